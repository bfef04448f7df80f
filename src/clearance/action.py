"""The step of the GitHub Action (action.yml): `python -m clearance.action`.

The action passes its inputs through `env:` only (`INPUT_STAGE`, ...; see
docs/github-action.md), never inside the script, and this module:

1. writes the `coverage`, `junit` and `sarif` inputs, when given, to a policy
   file holding only `inputs:` in `$RUNNER_TEMP`, passed as `--overlay`:
   applied after the policy in force, whichever revision that is read from
   (policies merge key by key, so these globs override the policy's own;
   coverage suites merge by name);
2. runs `clearance check` in-process with `--format github` on standard
   output (annotations; the problems between stop-commands markers) and the
   asked formats written to the output directory, the results document always;
3. appends the brief Markdown report to `$GITHUB_STEP_SUMMARY` (the checklist without
   each rule's detail, and a link to the run's artifacts for the full report), cut below
   1 MiB;
4. writes the step outputs to `$GITHUB_OUTPUT` with random heredoc delimiters:
   `verdict` says what was found (`fail-on: never` counts as `error` there),
   `blocking` and `exit-code` what `fail-on` made of it;
   `predicate-file` and `predicate-type` what `actions/attest` signs
   (docs/attestation-signing.md).

The exit code is clearance's: 0 nothing blocks, 1 a blocking verdict (under
`fail-on`), 2 a usage or policy error (whatever `fail-on` says), which is also
shown as an `::error` annotation. Standard output and error are UTF-8.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from clearance.cli import main as clearance
from clearance.cli import utf8_streams
from clearance.errors import ClearanceError, UsageError
from clearance.github_actions import command, write_outputs
from clearance.reporters import file_names
from clearance.reporters.intoto import PREDICATE_TYPE

SUMMARY_LIMIT = 1 << 20  # GitHub's limit for one step's summary
SUMMARY_MARGIN = 4096


def main(env: Mapping[str, str] | None = None) -> int:
    utf8_streams()
    env = os.environ if env is None else env
    try:
        argv, reports = check_arguments(env)
    except ClearanceError as e:
        print(f"clearance: {e}", file=sys.stderr)
        annotate_usage_error(f"clearance: {e}")
        _finish(env, None, {}, 2)
        return 2
    for stale in reports.values():
        stale.unlink(missing_ok=True)
    code, said = run_check(argv)
    if code == 2:
        annotate_usage_error(said)
    doc = _read_results(reports["json"]) if code != 2 else None
    _finish(env, doc, reports, code)
    return code


def run_check(argv: list[str]) -> tuple[int, str]:
    """`clearance check` in-process: its exit code and what it wrote to standard error."""
    said = _Tee(sys.stderr)
    with contextlib.redirect_stderr(said):
        try:
            code = clearance(argv)
        except SystemExit as e:  # argparse refused an input (a stage or fail-on it does not know)
            code = e.code if isinstance(e.code, int) else 2
    return code, said.getvalue()


class _Tee(io.StringIO):
    """Standard error, written through and kept for the annotation of a usage error."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(text)
        return super().write(text)


def annotate_usage_error(said: str) -> None:
    """A usage or policy error as an `::error` annotation, argparse's usage lines left out."""
    lines = [line.removeprefix("clearance: ") for line in said.splitlines()
             if line.strip() and not line.startswith(("usage:", " "))]
    if lines:
        print(command("error", {"title": "clearance could not run"}, "\n".join(lines)), flush=True)


def check_arguments(env: Mapping[str, str]) -> tuple[list[str], dict[str, Path]]:
    """The `clearance check` command line and the report files it writes."""
    stage = env.get("INPUT_STAGE") or "pr"
    out_dir = Path(env.get("INPUT_OUTPUT_DIR") or Path(_runner_temp(env)) / f"clearance-{stage}")
    files = file_names()
    reports = {name: out_dir / files[name] for name in ["json", *formats(env.get("INPUT_FORMATS", ""))]}
    argv = ["check", "--stage", stage, "--fail-on", env.get("INPUT_FAIL_ON") or "error"]
    for policy in policies(env):
        argv += ["--policy", policy]
    extra = overlay(env)
    if extra is not None:
        argv += ["--overlay", extra]
    for flag, name in (("--base", "INPUT_BASE"), ("--head", "INPUT_HEAD"),
                       ("--policy-source", "INPUT_POLICY_SOURCE")):
        if env.get(name, "").strip():
            argv += [flag, env[name].strip()]
    argv += ["--format", "github"]
    for name, path in reports.items():
        argv += ["--format", f"{name}={path}"]
    return argv, reports


def formats(text: str) -> list[str]:
    """Format names from a list separated by spaces, commas or new lines."""
    names = [n for n in text.replace(",", " ").split() if n != "json"]
    known = file_names()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"formats: unknown format '{unknown[0]}'", hint=f"use {', '.join(known)}")
    return list(dict.fromkeys(names))


def policies(env: Mapping[str, str]) -> list[str]:
    """The `--policy` arguments: the policy input's lines (none: discovered at the revision
    the policy in force is read from)."""
    return _lines(env.get("INPUT_POLICY", ""))


def overlay(env: Mapping[str, str]) -> str | None:
    """The `--overlay` file of the coverage, junit and sarif inputs; None when none is given."""
    inputs = overlay_inputs(env)
    return write_overlay(inputs, Path(_runner_temp(env))) if inputs else None


def overlay_inputs(env: Mapping[str, str]) -> dict[str, Any]:
    """The policy `inputs:` that the action's inputs ask for (empty: none given)."""
    inputs: dict[str, Any] = {}
    coverage = _lines(env.get("INPUT_COVERAGE", ""))
    if coverage:
        inputs["coverage"] = _named(coverage, "coverage", required=True)
    junit = _lines(env.get("INPUT_JUNIT", ""))
    if junit:
        inputs["junit"] = junit
    sarif = _lines(env.get("INPUT_SARIF", ""))
    if sarif:
        inputs["sarif"] = _named(sarif, "sarif", required=False)
    return inputs


def write_overlay(inputs: Mapping[str, Any], folder: Path) -> str:
    """A policy file with `inputs:` only; JSON, which YAML reads as it is."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="clearance-inputs-", suffix=".yaml", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"inputs": inputs}, handle, indent=2)
        handle.write("\n")
    return name


def _named(lines: list[str], input_name: str, required: bool) -> dict[str, list[str]] | list[str]:
    """`NAME: GLOB` lines as {NAME: [GLOB, ...]}; plain globs as a list when allowed."""
    pairs = [line.partition(": ") for line in lines]
    named = [bool(sep) and _is_name(name) for name, sep, _ in pairs]
    if not any(named) and not required:
        return lines
    if not all(named):
        bad = lines[named.index(False)]
        raise UsageError(f"{input_name}: '{bad}' is not a 'NAME: GLOB' line",
                         hint=f"write every line of the {input_name} input as NAME: GLOB")
    grouped: dict[str, list[str]] = {}
    for name, _, glob in pairs:
        grouped.setdefault(name, []).append(glob.strip())
    return grouped


def _is_name(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c in "_.-" for c in text)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _runner_temp(env: Mapping[str, str]) -> str:
    return env.get("RUNNER_TEMP") or tempfile.gettempdir()


def _read_results(path: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data


def _finish(env: Mapping[str, str], doc: Mapping[str, Any] | None, reports: Mapping[str, Path],
            code: int) -> None:
    """The job summary and the step outputs."""
    if doc is not None and env.get("GITHUB_STEP_SUMMARY") and env.get("INPUT_SUMMARY", "true") != "false":
        append_summary(Path(env["GITHUB_STEP_SUMMARY"]), doc, run_url(env))
    if env.get("GITHUB_OUTPUT"):
        write_outputs(Path(env["GITHUB_OUTPUT"]), step_outputs(doc, reports, code))
    for name, path in reports.items():
        if path.is_file():
            print(f"clearance: {name} written to {path}")


def append_summary(path: Path, doc: Mapping[str, Any], full_report: str | None = None) -> None:
    """The brief Markdown report (the checklist without each rule's detail), linking to the
    full report, cut to fit what is left of the step's 1 MiB."""
    from clearance.reporters import render

    used = path.stat().st_size if path.exists() else 0
    room = SUMMARY_LIMIT - used - SUMMARY_MARGIN
    if room <= 0:
        return
    options = {"max_bytes": room, "brief": True, "full_report": full_report}
    with path.open("a", encoding="utf-8", newline="\n") as handle:
        handle.write(render("markdown", doc, options))


def run_url(env: Mapping[str, str]) -> str | None:
    """The run's page, where its artifacts are listed (the full report, when kept)."""
    parts = [env.get(name, "") for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")]
    if not all(parts):
        return None
    return f"{parts[0]}/{parts[1]}/actions/runs/{parts[2]}#artifacts"


def step_outputs(doc: Mapping[str, Any] | None, reports: Mapping[str, Path],
                 code: int) -> dict[str, str]:
    """verdict, blocking, counts (JSON), exit-code, reports (JSON) and FORMAT-file per report."""
    written = {name: str(path) for name, path in reports.items() if path.is_file()}
    summary = doc["summary"] if doc is not None else None
    values = {
        "verdict": summary["verdict"] if summary else "error",
        "blocking": str(summary["blocking"]) if summary else "",
        "counts": json.dumps(summary["counts"] if summary else {}),
        "exit-code": str(code),
        "reports": json.dumps(written),
    }
    values.update({f"{name}-file": path for name, path in written.items()})
    if "json" in written:  # for actions/attest: the results document is the predicate
        values.update({"predicate-file": written["json"], "predicate-type": PREDICATE_TYPE})
    return values


if __name__ == "__main__":
    raise SystemExit(main())
