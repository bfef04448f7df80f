"""The auditor's index over 10,000 stored results documents, against json.load of the same files.

Generates 10,000 results documents (the report tests' hand-built document, about
16 KB, with 300 repositories, every stage, a year of dates, pull requests and
controls varied by a seeded generator) in a temporary folder, then measures in
the same run, each in a fresh process, alternating, three times:
- json.load of every file (os.walk, one file at a time, nothing kept): what
  reading them at all costs;
- `clearance report --index DIR --sample 25 --seed 1` writing the HTML page and
  the JSON;
and prints the median wall time and peak memory of each and their ratios. The
budget (docs/report.md): under 10 s and 500 MB.

    .venv/bin/python bench/bench_index.py [--documents N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "tests" / "report" / "fixtures" / "results-all-verdicts.json"
STAGES = ("pr", "pr", "pr", "merge", "staging", "production")
CONTROLS = ("SOC2:CC8.1", "ISO27001:A.8.25", "ISO27001:A.8.29", "ISO27001:A.8.32")
# Each child prints its own time and peak resident memory (kB on Linux) as its last line.
MEASURED = """
import resource, sys, time
start = time.perf_counter()
{body}
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
JSON_LOAD = """
import json, os
for top, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".json"):
            with open(os.path.join(top, name), "rb") as handle:
                json.load(handle)
"""
INDEX = """
from clearance.cli import main
code = main(["report", "--index", sys.argv[1], "--sample", "25", "--seed", "1",
             "-f", "html=" + sys.argv[2] + "/index.html", "-f", "json=" + sys.argv[2] + "/index.json"])
assert code == 0
"""


def generate(folder: Path, count: int) -> int:
    """`count` results documents below `folder`; returns their total size in bytes."""
    template = json.loads(TEMPLATE.read_text("utf-8"))
    rng = random.Random(19)
    size = 0
    for n in range(count):
        repo = f"org/service-{rng.randrange(300):03d}"
        stage = rng.choice(STAGES)
        day = 1 + rng.randrange(365)
        commit = f"{rng.getrandbits(160):040x}"
        pull = rng.randrange(1, 5000) if stage in ("pr", "merge") else None
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1767225600 + day * 86400))
        template["run"].update(repository=repo, stage=stage, commit=commit, head=commit, time=when)
        link = {"number": pull, "url": f"https://github.com/{repo}/pull/{pull}"} if pull else None
        template["run"]["subject"] = {"pull_request": link, "workflow_run": None, "environment": None,
                                      "release": None}
        template["summary"]["verdict"] = "fail" if rng.random() < 0.15 else "pass"
        for i, rule in enumerate(template["rules"]):
            rule["controls"] = [CONTROLS[(i + k) % 4] for k in range(i % 3)]
        path = folder / repo.replace("/", "-") / stage / f"results-{n:05d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(template, ensure_ascii=False)
        path.write_text(text, "utf-8")
        size += len(text.encode("utf-8"))
    return size


def measure(body: str, *args: str) -> tuple[float, float]:
    """(wall seconds of the whole process, peak MB) of one fresh interpreter running `body`."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED.format(body=body), *args],
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    _, peak_kb = done.stdout.split()[-2:]
    return wall, int(peak_kb) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        stored, out = Path(tmp) / "stored", Path(tmp) / "out"
        out.mkdir()
        size = generate(stored, args.documents)
        print(f"{args.documents} results documents, {size / 2**20:.0f} MB, Python {sys.version.split()[0]}")
        loads, indexes = [], []
        for _ in range(args.repeat):
            loads.append(measure(JSON_LOAD, str(stored)))
            indexes.append(measure(INDEX, str(stored), str(out)))
        page = (out / "index.html").stat().st_size / 2**20
        load_s, load_mb = statistics.median(w for w, _ in loads), max(m for _, m in loads)
        index_s, index_mb = statistics.median(w for w, _ in indexes), max(m for _, m in indexes)
        print(f"json.load of every file:   {load_s:6.2f} s  {load_mb:6.0f} MB peak")
        print(f"clearance report --index:  {index_s:6.2f} s  {index_mb:6.0f} MB peak  (page {page:.1f} MB)")
        print(f"ratio index / json.load:   {index_s / load_s:6.2f} x time  "
              f"{index_mb / load_mb:4.2f} x memory")
        within = index_s < 10 and index_mb < 500
        print(f"budget (under 10 s and 500 MB): {'met' if within else 'MISSED'}")
        return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
