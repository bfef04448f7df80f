"""The results document is always writable as UTF-8: lone surrogates escaped, tuples as lists."""

from __future__ import annotations

import json

from clearance.results import encodable


def test_lone_surrogates_anywhere_are_escaped_and_the_rest_kept() -> None:
    bad = "caf\udce9.txt"
    doc = {"rules": [{"id": "a", "message": bad, "findings": ({"file": bad, "line": 3},),
                      "data": {bad: [1, 2.5, None, True, ("x", "é")]}}],
           "ok": "naïve ✓", "n": 7}
    out = encodable(doc)
    text = json.dumps(out, ensure_ascii=False)
    text.encode("utf-8")  # would raise on a lone surrogate
    rule = out["rules"][0]
    assert rule["message"] == "caf\\udce9.txt" == rule["findings"][0]["file"]
    assert rule["data"] == {"caf\\udce9.txt": [1, 2.5, None, True, ["x", "é"]]}
    assert isinstance(rule["findings"], list)
    assert (out["ok"], out["n"]) == ("naïve ✓", 7)


def test_string_subclasses_become_plain_strings() -> None:
    class Name(str):
        pass

    out = encodable({"k": [Name("abc"), Name("d\udc80")]})
    assert out == {"k": ["abc", "d\\udc80"]}
    assert all(type(v) is str for v in out["k"])
