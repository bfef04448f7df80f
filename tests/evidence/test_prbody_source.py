"""Where the PR body comes from, how it is recorded, and the event payload reader."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.event import load_event, read_event, text
from clearance.evidence.prbody import MissingPrError, pr_title, pull_request


@pytest.fixture
def root(repo) -> Path:
    repo.write("README.md", "hi\n")
    repo.commit("initial")
    return repo.path


def evidence(root: Path, **spec) -> Evidence:
    return Evidence(RunSpec(root=root, stage="pr", base="HEAD", **spec))


def payload(tmp_path: Path, pull: object, **extra: object) -> Path:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"pull_request": pull, **extra}), encoding="utf-8")
    return path


def test_a_body_file_wins_over_the_event_and_the_event_still_gives_the_title(root, tmp_path) -> None:
    body = tmp_path / "body.md"
    body.write_bytes(b"## From the file\n")
    event = payload(tmp_path, {"body": "## From the event\n", "title": "feat: x",
                               "user": {"login": "ada"}, "updated_at": "2026-01-03T10:00:00Z"},
                    repository={"full_name": "acme/shop"})
    ev = evidence(root, pr_body_file=body, event_file=event)
    pr = pull_request(ev)
    assert [s.title for s in pr.body.sections] == ["From the file"]
    assert (pr.name, pr.title, pr.author, pr.updated_at, pr.repository) == (
        str(body), "feat: x", "ada", "2026-01-03T10:00:00Z", "acme/shop")
    assert [(r.path, r.sha256, r.source) for r in ev.touched] == [
        (str(body), hashlib.sha256(b"## From the file\n").hexdigest(), "file"),
        (str(event), hashlib.sha256(event.read_bytes()).hexdigest(), "file"),
    ]


def test_stdin_text_is_a_source_named_pr_body(root) -> None:
    ev = evidence(root, pr_body_text="## Summary\nfrom stdin\n")
    pr = pull_request(ev)
    assert pr.name == "PR body"
    assert pr.body.find("summary")[0].text == "from stdin"
    assert [(r.path, r.source) for r in ev.touched] == [("PR body (stdin)", "stdin")]


def test_stdin_bytes_smuggled_as_surrogates_are_replaced(root) -> None:
    pr = pull_request(evidence(root, pr_body_text="## Caf\udce9\n"))
    assert pr.body.sections[0].title == "Caf\ufffd"
    other = pull_request(evidence(root, pr_body_text="## A\ud800\n"))
    assert other.body.sections[0].title.startswith("A\ufffd")


def test_the_event_body_is_used_and_null_means_empty(root, tmp_path) -> None:
    assert pull_request(evidence(root, event_file=payload(tmp_path, {"body": None}))).body.text == ""
    full = pull_request(evidence(root, event_file=payload(tmp_path, {"body": "Hello"})))
    assert full.body.text == "Hello"
    assert full.name == "PR body"


def test_the_repository_falls_back_to_github_repository(root, tmp_path) -> None:
    ev = evidence(root, event_file=payload(tmp_path, {"body": "x"}), github_repository="o/r")
    assert pull_request(ev).repository == "o/r"


def test_no_source_is_a_missing_pr_error_with_a_hint(root) -> None:
    with pytest.raises(MissingPrError) as caught:
        pull_request(evidence(root))
    assert caught.value.hint is not None
    assert "--pr-body FILE or --event FILE" in caught.value.hint


def test_an_event_without_a_pull_request_has_no_body(root, tmp_path) -> None:
    path = tmp_path / "push.json"
    path.write_text('{"ref": "refs/heads/main"}', encoding="utf-8")
    with pytest.raises(MissingPrError) as caught:
        pull_request(evidence(root, event_file=path))
    assert caught.value.path == str(path)


def test_a_body_that_is_not_a_string_is_an_error(root, tmp_path) -> None:
    with pytest.raises(EvidenceError, match="not a string"):
        pull_request(evidence(root, event_file=payload(tmp_path, {"body": ["x"]})))


def test_the_title_needs_the_event(root) -> None:
    with pytest.raises(EvidenceError, match="no PR title"):
        pr_title(evidence(root, pr_body_text="x"))


def test_an_unreadable_body_file_is_an_error_naming_it(root, tmp_path) -> None:
    missing = tmp_path / "nope.md"
    with pytest.raises(EvidenceError) as caught:
        pull_request(evidence(root, pr_body_file=missing))
    assert caught.value.path == str(missing)
    assert "cannot read the PR body" in caught.value.message


def test_a_body_at_the_limit_is_read_and_one_byte_more_is_not(root, tmp_path) -> None:
    body = tmp_path / "body.md"
    body.write_bytes(b"a" * (1 << 20))
    assert len(pull_request(evidence(root, pr_body_file=body)).body.text) == 1 << 20
    body.write_bytes(b"a" * ((1 << 20) + 1))
    with pytest.raises(EvidenceError, match="over the limit of 1048576 bytes"):
        pull_request(evidence(root, pr_body_file=body))


def test_the_body_is_read_once_and_recorded_for_each_rule(root, tmp_path) -> None:
    body = tmp_path / "body.md"
    body.write_bytes(b"## One\n")
    ev = evidence(root, pr_body_file=body)
    first = pull_request(ev)
    body.write_bytes(b"## Two\n")
    ev.start_rule()
    assert pull_request(ev) is first
    assert [r.path for r in ev.touched] == [str(body)]


def test_invalid_utf8_and_lone_surrogates_become_replacement_characters(root, tmp_path) -> None:
    body = tmp_path / "body.md"
    body.write_bytes(b"## Caf\xe9\n- [x] ok \xff\n")
    pr = pull_request(evidence(root, pr_body_file=body))
    assert pr.body.sections[0].title == "Caf\ufffd"
    assert pr.body.items[0].text == "ok \ufffd"
    event = tmp_path / "event.json"
    event.write_bytes(b'{"pull_request": {"body": "a\\ud800b", "title": "t\\udfff"}}')
    from_event = pull_request(evidence(root, event_file=event))
    assert "\ud800" not in from_event.body.text and "\ufffd" in from_event.body.text
    assert from_event.title is not None and from_event.title.startswith("t\ufffd")
    from_event.title.encode("utf-8")


def test_read_event_refuses_what_is_not_a_json_object(tmp_path) -> None:
    path = tmp_path / "event.json"
    for raw, message in ((b"[1]", "not a JSON object"), (b"{", "not JSON")):
        path.write_bytes(raw)
        with pytest.raises(EvidenceError, match=message):
            read_event(path)


@pytest.mark.skipif(not hasattr(sys, "get_int_max_str_digits"), reason="Python 3.11+ limits ints")
def test_read_event_refuses_an_integer_too_long_to_convert(tmp_path) -> None:
    path = tmp_path / "event.json"
    path.write_bytes(b'{"n": ' + b"1" * 5000 + b"}")
    with pytest.raises(EvidenceError, match="not JSON"):
        read_event(path)


def test_load_event_returns_the_bytes_it_parsed(tmp_path) -> None:
    path = tmp_path / "event.json"
    path.write_bytes(b'{"a": "\xff"}')
    data, raw = load_event(path)
    assert data == {"a": "\ufffd"}
    assert raw == b'{"a": "\xff"}'


def test_text_keeps_strings_and_drops_other_values() -> None:
    assert text("plain") == "plain"
    assert text(None) is None and text(3) is None
