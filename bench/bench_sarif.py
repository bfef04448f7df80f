"""A large SARIF log: read by clearance, against reading it whole with json.load.

Writes a SARIF 2.1.0 log of 60,000 results (about 53 MB, with code flows as
real analysers write them) into a repository, then measures, in the same run:
- `python -c "json.load(...)"` on the log: what reading it whole costs;
- `clearance check --stage pr` with one `findings.sarif` rule on it (every log
  is read as a stream, see src/clearance/evidence/sarif_stream.py);
and prints wall time and peak memory of each, and the ratios.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from _common import CHECK_OK, GIT_ENV, compile_package, git, main, peak_rss_mb, peers_line, versions

RESULTS = 60_000
POLICY = """\
metadata: {name: bench}
rules:
  - {id: lint, stages: [pr], check: {findings.sarif: {reports: [build/big.sarif], level: error}}}
"""


def result(i: int) -> dict[str, object]:
    where = {"physicalLocation": {"artifactLocation": {"uri": f"src/pkg{i % 40}/mod{i % 2000}.py",
                                                       "uriBaseId": "SRCROOT"},
                                  "region": {"startLine": i % 500 + 1, "startColumn": 5}}}
    return {"ruleId": f"R{i % 50}", "level": "warning" if i % 7 else "note",
            "message": {"text": f"value {i} may be used before it is assigned"},
            "locations": [where],
            "codeFlows": [{"threadFlows": [{"locations": [{"location": where}] * 3}]}],
            "partialFingerprints": {"primaryLocationLineHash": f"{i:016x}:1"}}


def build(repo: Path) -> Path:
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "clearance.yaml").write_text(POLICY)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "chore: initial")
    log = {"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "analyser", "rules": [
            {"id": f"R{n}", "defaultConfiguration": {"level": "warning"}} for n in range(50)]}},
        "originalUriBaseIds": {"SRCROOT": {"uri": "file:///checkout/"}},
        "results": [result(i) for i in range(RESULTS)]}]}
    target = repo / "build" / "big.sarif"
    target.parent.mkdir()
    target.write_text(json.dumps(log))
    return target


def run() -> int:
    compile_package()
    peers = versions("python")
    with tempfile.TemporaryDirectory(prefix="clearance-bench-") as tmp:
        repo = Path(tmp) / "repo"
        log = build(repo)
        size = log.stat().st_size / 1e6
        head = git(repo, "rev-parse", "HEAD")
        whole = [sys.executable, "-c", "import json, sys; json.load(open(sys.argv[1], 'rb'))", str(log)]
        check = [sys.executable, "-m", "clearance", "check", "--stage", "pr", "--base", head,
                 "-f", "json=build/out.json"]
        peak_rss_mb(check, repo, GIT_ENV, CHECK_OK)  # fills the policy cache
        runs = [(peak_rss_mb(whole, repo, GIT_ENV), peak_rss_mb(check, repo, GIT_ENV, CHECK_OK))
                for _ in range(3)]
        (t_whole, m_whole), (t_ours, m_ours) = (
            tuple(sorted(r[k][i] for r in runs)[1] for i in (0, 1)) for k in (0, 1))
        verdict = json.loads((repo / "build" / "out.json").read_text())["rules"][0]
    print(f"SARIF log of {RESULTS:,} results, {size:.0f} MB (median of 3); {peers_line(peers)}")
    print(f"  json.load, whole        {t_whole:5.2f} s  {m_whole:6.0f} MB peak  "
          f"(baseline: json of {peers['python']})")
    print(f"  clearance check         {t_ours:5.2f} s  {m_ours:6.0f} MB peak  "
          f"time ratio {t_ours / t_whole:.2f}x (target <= 1.5x), memory ratio {m_ours / m_whole:.2f}x "
          "(target <= 0.15x)")
    print(f"  verdict: {verdict['verdict']}: {verdict['message']}")
    return 0


if __name__ == "__main__":
    main(run)
