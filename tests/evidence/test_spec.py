"""Feature files read from a real repository's snapshot and parsed for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence, RunSpec
from clearance.evidence.spec import parse_feature, read_spec
from helpers import Repo

FEATURES = Path(__file__).parent.parent / "fixtures" / "features"
GHERKIN = Path(__file__).parent.parent / "fixtures" / "gherkin"


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line holding `text`, read from the file itself."""
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def has_feature(path: Path) -> bool:
    """Whether the gherkin parser, on its own, finds a Feature in a file."""
    from gherkin.parser import Parser

    return "feature" in Parser().parse(path.read_text("utf-8"))


def evidence_for(repo: Repo, features: list[str]) -> Evidence:
    return Evidence(RunSpec(root=repo.path, stage="pr"), {"features": features})


@pytest.fixture
def sign_in() -> Path:
    return FEATURES / "sign_in.feature"


def test_rules_outlines_backgrounds_and_inherited_tags(sign_in: Path) -> None:
    feature, errors = parse_feature("features/sign_in.feature", sign_in.read_bytes())
    assert errors == [] and feature is not None
    assert (feature.name, feature.language, feature.tags) == ("Sign in", "en", ("@auth",))
    assert feature.line == line_of(sign_in, "Feature: Sign in")
    assert feature.background is not None and feature.background.steps == 1
    assert [r.name for r in feature.rules] == ["Wrong passwords are refused",
                                               "Three failures lock the account"]
    wrong, lock = feature.rules
    assert wrong.line == line_of(sign_in, "Rule: Wrong passwords")
    assert wrong.background is not None and wrong.background.line == line_of(sign_in, "Given alice has not") - 1
    assert lock.tags == ("@auth", "@security") and lock.background is None
    names = [(s.name, s.rule, s.line) for s in feature.all_scenarios]
    assert names == [
        ("Successful sign in", None, line_of(sign_in, "Scenario: Successful sign in")),
        ("Sign in as <role>", None, line_of(sign_in, "Scenario Outline: Sign in as")),
        ("Rejected sign in", wrong.name, line_of(sign_in, "Scenario: Rejected sign in")),
        ("Password hint after a failure", wrong.name, line_of(sign_in, "Scenario: Password hint")),
        ("Account locked after three failures", lock.name, line_of(sign_in, "Example: Account locked")),
        ("Support unlocks the account", lock.name, line_of(sign_in, "Scenario: Support unlocks")),
    ]
    outline = feature.all_scenarios[1]
    assert outline.outline and outline.tags == ("@auth", "@smoke")
    assert outline.keyword == "Scenario Outline" and outline.column == 3
    assert [(e.name, e.line, e.tags) for e in outline.examples] == [
        ("Sign in as admin", line_of(sign_in, "| admin "), ()),
        ("Sign in as editor", line_of(sign_in, "| editor "), ()),
        ("Sign in as guest", line_of(sign_in, "| guest "), ("@wip",)),
    ]
    assert feature.all_scenarios[3].tags == ("@auth", "@wip")
    assert feature.all_scenarios[5].tags == ("@auth", "@security", "@manual")


def test_portuguese_feature() -> None:
    path = FEATURES / "entrar.feature"
    feature, errors = parse_feature("entrar.feature", path.read_bytes())
    assert errors == [] and feature is not None
    assert (feature.language, feature.keyword, feature.name) == ("pt", "Funcionalidade", "Entrar na conta")
    assert feature.background is not None and feature.background.keyword == "Contexto"
    (rule,) = feature.rules
    assert (rule.keyword, rule.name) == ("Regra", "Senhas erradas são recusadas")
    plain, outline = rule.scenarios
    assert (plain.keyword, plain.name, plain.line) == (
        "Cenário", "Entrada com sucesso", line_of(path, "Cenário: Entrada"))
    assert outline.keyword == "Esquema do Cenário" and outline.tags == ("@conta", "@lento")
    assert [(e.name, e.line) for e in outline.examples] == [
        ("Entrar como admin", line_of(path, "| admin ")), ("Entrar como editor", line_of(path, "| editor "))]


def test_two_backgrounds_is_a_clear_error_at_the_second_one() -> None:
    path = FEATURES / "two_backgrounds.feature"
    second = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if "Background:" in line][1]
    feature, errors = parse_feature("checkout.feature", path.read_bytes())
    assert feature is None
    assert [(e.file, e.line, e.column) for e in errors] == [("checkout.feature", second, 3)]
    assert "got 'Background:'" in errors[0].message
    assert "at most one Background" in errors[0].message


def test_second_background_in_portuguese_is_explained_too() -> None:
    text = "# language: pt\nFuncionalidade: F\n  Contexto:\n    Dado a\n  Cenário: S\n    Dado b\n  Contexto:\n"
    _, errors = parse_feature("f.feature", text.encode())
    assert [e.line for e in errors] == [7]
    assert "at most one Background" in errors[0].message


def test_crlf_and_byte_order_mark_parse_like_lf(sign_in: Path) -> None:
    lf = sign_in.read_bytes()
    crlf = b"\xef\xbb\xbf" + lf.replace(b"\n", b"\r\n")
    plain, _ = parse_feature("a", lf)
    windows, errors = parse_feature("a", crlf)
    assert errors == [] and windows == plain
    assert windows is not None and windows.all_scenarios[0].name == "Successful sign in"


def test_invalid_utf8_is_an_error_at_its_line() -> None:
    data = b"Feature: Caf\xc3\xa9\n\n  Scenario: ok\n    Given caf\xe9 au lait\n"
    feature, errors = parse_feature("menu.feature", data)
    assert feature is None
    assert [(e.file, e.line) for e in errors] == [("menu.feature", 4)]
    assert "UTF-8" in errors[0].message


def test_unreadable_blob_is_an_error_not_a_crash() -> None:
    feature, errors = parse_feature("gone.feature", None)
    assert feature is None and errors[0].file == "gone.feature" and errors[0].line is None


def test_every_testdata_file_from_a_commit_broken_ones_do_not_stop_the_rest(repo: Repo) -> None:
    for path in sorted(GHERKIN.glob("*/*.feature")):
        repo.write(f"spec/{path.parent.name}/{path.name}", path.read_bytes())
    repo.commit("spec")
    spec = read_spec(evidence_for(repo, ["spec/**/*.feature"]))
    assert len(spec.files) == 62
    assert sorted(spec.broken_files) == sorted(f"spec/bad/{p.name}" for p in GHERKIN.glob("bad/*.feature"))
    assert {f.file for f in spec.features} == {
        f"spec/good/{p.name}" for p in GHERKIN.glob("good/*.feature") if has_feature(p)}
    very_long = [f for f in spec.features if f.file.endswith("very_long.feature")]
    assert len(very_long[0].all_scenarios) == 100


def test_reads_the_committed_snapshot_and_records_digests(repo: Repo, sign_in: Path) -> None:
    import hashlib

    repo.write("features/sign_in.feature", sign_in.read_bytes())
    repo.write("features/notes.txt", "not a feature\n")
    repo.commit("spec")
    repo.write("features/sign_in.feature", "this edit is not committed\n")
    repo.write("features/extra.feature", "Feature: untracked\n")
    evidence = evidence_for(repo, ["features/*.feature"])
    spec = read_spec(evidence)
    assert spec.files == ("features/sign_in.feature",) and spec.errors == ()
    assert len(spec.scenarios) == 6 and len(spec.rules) == 2
    record = evidence.records["features/sign_in.feature"]
    assert record.source == "git"
    assert record.sha256 == hashlib.sha256(sign_in.read_bytes()).hexdigest()
    assert read_spec(evidence) is spec  # read once per run


def test_no_feature_file_is_an_evidence_error(repo: Repo) -> None:
    repo.write("README.md", "hi\n")
    repo.commit("initial")
    with pytest.raises(EvidenceError, match="no committed file matches features"):
        read_spec(evidence_for(repo, ["features/**/*.feature"]))
    with pytest.raises(EvidenceError, match="no feature files configured"):
        read_spec(evidence_for(repo, []))


BEHAVE_ONLY = FEATURES / "behave_only"


def test_a_tagged_background_is_one_error_at_the_tag_with_its_own_hint() -> None:
    """Not one error per line after it, and not the 'second Background' hint (issue #14)."""
    path = BEHAVE_ONLY / "tagged_background.feature"
    feature, errors = parse_feature("f.feature", path.read_bytes())
    assert feature is None
    assert [(e.line, e.message.split(":")[0]) for e in errors] == [(line_of(path, "@web"), "'@web' before 'Background")]
    assert "no tags on a Background" in errors[0].message and "at most one" not in errors[0].message


def test_each_root_cause_is_reported_once_and_later_ones_are_still_found() -> None:
    path = BEHAVE_ONLY / "three_causes.feature"
    _, errors = parse_feature("f.feature", path.read_bytes())
    second = [n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if "Background:" in line][1]
    assert [e.line for e in errors] == [line_of(path, "'''"), second, line_of(path, "| 1 |")]
    assert '"""' in errors[0].message and "behave" in errors[0].message
    assert "at most one Background" in errors[1].message
    assert "inconsistent cell count" in errors[2].message  # the parser's own words for the third
