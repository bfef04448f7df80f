"""Scenario traceability from a large runner output: Cucumber Messages and cucumber-js JUnit.

Writes a repository with 2,000 Scenario Outlines of 10 example rows each (100
feature files), then, in the same run, for the same 20,000 test cases:
- a Cucumber Messages NDJSON file as cucumber-js writes it, keys in its order (`--format message`:
  gherkinDocument, pickle, testCase, testCaseStarted, testStepStarted and
  testStepFinished for 3 steps, testCaseFinished), about 40 MB;
- a cucumber-js JUnit report of 20,000 cases naming the 2,000 scenarios
  (`Outline N - #1.R`, classname = feature name);
and measures `clearance check --stage pr` with one `spec.scenarios_passing`
rule on each, against `json.loads` of every line of the NDJSON file (the
least any reader of it does) and against ElementTree's `iterparse` of the
JUnit file, printing wall time, peak memory and the ratios.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from _common import CHECK_OK, GIT_ENV, compile_package, git, main, peak_rss_mb, peers_line, versions

FEATURES, OUTLINES, ROWS, STEPS = 100, 20, 10, 3
POLICY = """\
metadata: {name: bench}
inputs:
  features: ["features/*.feature"]
rules:
  - {id: passing, stages: [pr], check: {spec.scenarios_passing: {runner: RUNNER, EVIDENCE: [build/FILE]}}}
"""


def feature_text(f: int) -> str:
    lines = [f"Feature: Feature {f}", ""]
    for o in range(OUTLINES):
        lines += [f"  Scenario Outline: Outline {f}.{o}",
                  *[f"    Given step {s} with <v>" for s in range(STEPS)],
                  "", "    Examples:", "      | v |", *[f"      | {r} |" for r in range(ROWS)], ""]
    return "\n".join(lines) + "\n"


def scenario_line(o: int) -> int:
    return 3 + o * (STEPS + 5 + ROWS)  # "Feature", blank, then each outline block


def messages(path: Path) -> None:
    """The NDJSON cucumber-js would write for the spec, every case passing."""
    with path.open("w") as out:
        def put(kind: str, body: dict[str, object]) -> None:
            out.write(json.dumps({kind: body}, separators=(",", ":")) + "\n")

        put("meta", {"protocolVersion": "32.2.0", "implementation": {"name": "bench", "version": "0"}})
        for f in range(FEATURES):
            uri = f"features/f{f}.feature"
            put("source", {"uri": uri, "data": feature_text(f), "mediaType": "text/x.cucumber.gherkin+plain"})
            children = [{"scenario": {
                "id": f"s{f}.{o}", "name": f"Outline {f}.{o}", "location": {"line": scenario_line(o)},
                "examples": [{"id": f"e{f}.{o}", "name": "", "tableBody": [
                    {"id": f"r{f}.{o}.{r}", "location": {"line": scenario_line(o) + STEPS + 4 + r}}
                    for r in range(ROWS)]}]}} for o in range(OUTLINES)]
            put("gherkinDocument", {"uri": uri, "feature": {"name": f"Feature {f}", "children": children}})
            for o in range(OUTLINES):
                for r in range(ROWS):
                    put("pickle", {"id": f"p{f}.{o}.{r}", "uri": uri, "name": f"Outline {f}.{o}",
                                   "astNodeIds": [f"s{f}.{o}", f"r{f}.{o}.{r}"], "steps": []})
        put("testRunStarted", {"timestamp": {"seconds": 0, "nanos": 0}})
        ids = [f"{f}.{o}.{r}" for f in range(FEATURES) for o in range(OUTLINES) for r in range(ROWS)]
        for i in ids:
            steps = [{"id": f"t{i}.{s}", "pickleStepId": f"x{s}"} for s in range(STEPS)]
            put("testCase", {"id": f"c{i}", "pickleId": f"p{i}", "testSteps": steps})
        for i in ids:
            put("testCaseStarted", {"attempt": 0, "testCaseId": f"c{i}", "id": f"st{i}",
                                    "timestamp": {"seconds": 0, "nanos": 0}})
            for s in range(STEPS):
                put("testStepStarted", {"testCaseStartedId": f"st{i}", "testStepId": f"t{i}.{s}",
                                        "timestamp": {"seconds": 0, "nanos": 0}})
                put("testStepFinished", {"testCaseStartedId": f"st{i}", "testStepId": f"t{i}.{s}",
                                         "testStepResult": {"duration": {"seconds": 0, "nanos": 1000},
                                                            "status": "PASSED"},
                                         "timestamp": {"seconds": 0, "nanos": 0}})
            put("testCaseFinished", {"testCaseStartedId": f"st{i}", "timestamp": {"seconds": 0, "nanos": 0},
                                     "willBeRetried": False})
        put("testRunFinished", {"success": True, "timestamp": {"seconds": 0, "nanos": 0}})


def junit(path: Path) -> None:
    """The cucumber-js JUnit report of the same run."""
    with path.open("w") as out:
        out.write('<?xml version="1.0"?>\n<testsuite name="Cucumber" tests="20000">\n')
        for f in range(FEATURES):
            for o in range(OUTLINES):
                for r in range(ROWS):
                    out.write(f'<testcase classname={quoteattr(f"Feature {f}")} '
                              f'name={quoteattr(f"Outline {f}.{o} - #1.{r + 1}")} time="0.001"/>\n')
        out.write("</testsuite>\n")


def build(repo: Path) -> None:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "features").mkdir()
    for f in range(FEATURES):
        (repo / "features" / f"f{f}.feature").write_text(feature_text(f))
    (repo / "clearance.yaml").write_text("metadata: {name: bench}\nrules: []\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feat: the spec")
    (repo / "build").mkdir()
    messages(repo / "build" / "out.ndjson")
    junit(repo / "build" / "junit.xml")


def median(argv: list[str], repo: Path, ok: tuple[int, ...] = (0,)) -> tuple[float, float]:
    runs = [peak_rss_mb(argv, repo, GIT_ENV, ok) for _ in range(3)]
    return sorted(r[0] for r in runs)[1], sorted(r[1] for r in runs)[1]


def judged(repo: Path, runner: str, evidence: str, name: str) -> tuple[tuple[float, float], str]:
    (repo / "clearance.yaml").write_text(POLICY.replace("RUNNER", runner).replace("EVIDENCE", evidence)
                                         .replace("FILE", name))
    # The policy in force is read from the base revision's git objects (#16): commit it.
    git(repo, "commit", "-q", "-m", f"chore: judge {name}", "--", "clearance.yaml")
    head = git(repo, "rev-parse", "HEAD")
    check = [sys.executable, "-m", "clearance", "check", "--stage", "pr", "--base", head,
             "-f", "json=build/result.json"]
    peak_rss_mb(check, repo, GIT_ENV, CHECK_OK)  # fills the policy cache
    measured = median(check, repo, CHECK_OK)
    rule = json.loads((repo / "build" / "result.json").read_text())["rules"][0]
    return measured, f"{rule['verdict']}: {rule['message']}"


def run() -> int:
    compile_package()
    peers = versions("python")
    with tempfile.TemporaryDirectory(prefix="clearance-bench-") as tmp:
        repo = Path(tmp) / "repo"
        build(repo)
        ndjson, xml = repo / "build" / "out.ndjson", repo / "build" / "junit.xml"
        lines = [sys.executable, "-c",
                 "import json, sys\nfor line in open(sys.argv[1], 'rb'): json.loads(line)", str(ndjson)]
        iterparse = [sys.executable, "-c", "import sys, xml.etree.ElementTree as E\n"
                     "for _, e in E.iterparse(sys.argv[1]): e.clear()", str(xml)]
        t_lines, m_lines = median(lines, repo)
        t_iter, m_iter = median(iterparse, repo)
        (t_msg, m_msg), msg_verdict = judged(repo, "cucumber-messages", "messages", "out.ndjson")
        (t_jun, m_jun), jun_verdict = judged(repo, "cucumber-js", "junit", "junit.xml")
        sizes = ndjson.stat().st_size / 1e6, xml.stat().st_size / 1e6
    cases = FEATURES * OUTLINES * ROWS
    print(f"{cases:,} test cases of {FEATURES * OUTLINES:,} scenario outlines (median of 3); "
          f"{peers_line(peers)}")
    print(f"  json.loads per line, NDJSON {sizes[0]:4.0f} MB  {t_lines:5.2f} s  {m_lines:5.0f} MB peak"
          "  (baseline)")
    print(f"  clearance, Messages NDJSON          {t_msg:5.2f} s  {m_msg:5.0f} MB peak  "
          f"time {t_msg / t_lines:.2f}x, memory {m_msg / m_lines:.2f}x of json.loads")
    print(f"    {msg_verdict}")
    print(f"  iterparse, JUnit     {sizes[1]:4.1f} MB  {t_iter:5.2f} s  {m_iter:5.0f} MB peak")
    print(f"  clearance, cucumber-js JUnit        {t_jun:5.2f} s  {m_jun:5.0f} MB peak  "
          f"time {t_jun / t_lines:.2f}x of json.loads, {t_jun / t_iter:.2f}x of iterparse; "
          f"memory {m_jun / m_lines:.2f}x, {m_jun / m_iter:.2f}x")
    print(f"    {jun_verdict}")
    return 0


if __name__ == "__main__":
    main(run)
