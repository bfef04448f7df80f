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


def test_nothing_to_change_is_not_copied_and_shared_rows_stay_shared() -> None:
    rows = [{"path": "a.py", "statements": 3, "percent": {"line": 66.7}}, {"path": "é.py"}]
    doc = {"rules": [{"id": "one", "data": {"files": rows}}, {"id": "two", "data": {"files": rows}}],
           "n": 7, "ok": None}
    out = encodable(doc)
    assert out is doc
    assert out["rules"][0]["data"]["files"] is out["rules"][1]["data"]["files"] is rows


def test_a_change_deep_down_copies_its_path_only_and_leaves_the_input_alone() -> None:
    bad = "caf\udce9.py"
    kept = {"path": "a.py", "lines": [1, 2]}
    rows = [kept, {"path": bad}]
    doc = {"rules": [{"id": "one", "data": {"files": rows}}, {"id": "two", "data": {"files": rows}}],
           "tool": {"name": "clearance"}}
    out = encodable(doc)
    assert out is not doc and out["rules"] is not doc["rules"]
    assert out["tool"] is doc["tool"]
    files = out["rules"][0]["data"]["files"]
    assert files == [kept, {"path": "caf\\udce9.py"}] and files[0] is kept
    assert out["rules"][1]["data"]["files"] is files  # met twice, encoded once
    assert rows[1]["path"] == bad and doc["rules"][0]["data"]["files"] is rows


def test_tuples_inside_shared_values_become_lists_and_the_keys_are_escaped_too() -> None:
    pair = ("x", 1)
    out = encodable({"a": [pair, pair], "caf\udce9": {"k": pair}})
    assert out == {"a": [["x", 1], ["x", 1]], "caf\\udce9": {"k": ["x", 1]}}
    assert type(out["a"][0]) is list and out["a"][0] is out["a"][1]
