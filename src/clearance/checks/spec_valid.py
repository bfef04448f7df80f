"""Every feature file parses with the official Gherkin parser.

The files are the committed files that `features` (or the policy's
`inputs.features`) names. Each parse error of each file is a finding at
file:line:column with the parser's message, and every file is read even
when an earlier one is broken. No feature file at all is an `error`.
"""

from __future__ import annotations

from clearance.checks import Outcome
from clearance.checks._common import plural
from clearance.checks._spec import SPEC_PARAMS, error_findings, spec_of
from clearance.evidence.context import Evidence

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("feature files (inputs.features)",)
SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": SPEC_PARAMS}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    spec = spec_of(params, evidence)
    scenarios = len(spec.scenarios)
    data = {"features": [{"file": f.file, "line": f.line, "name": f.name, "language": f.language,
                          "scenarios": len(f.all_scenarios), "rules": len(f.rules)}
                         for f in spec.features]}
    if spec.errors:
        broken = spec.broken_files
        return Outcome.failed(
            f"parse errors in {len(broken)} of {plural(len(spec.files), 'feature file')} "
            f"({plural(len(spec.errors), 'error')}): {', '.join(broken)}",
            figure=f"{len(spec.errors)} > 0", findings=error_findings(spec.errors), data=data)
    return Outcome.passed(
        f"{plural(len(spec.files), 'feature file')} parse ({plural(scenarios, 'scenario')})",
        data=data)
