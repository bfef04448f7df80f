"""Shared fixtures: real git repositories in tmp_path with pinned identities and dates."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clearance.cli import main
from helpers import Repo, Run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tests.evidence.github_server import FakeGitHub

    from signing import Keys

FIXTURES = Path(__file__).parent / "fixtures"
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
PINNED = {
    "GIT_AUTHOR_NAME": "Ada Tester", "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Tester", "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_AUTHOR_DATE": "2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the machine's git config, GitHub variables or colour settings."""
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "PRE_COMMIT", "CLEARANCE_")) or name in (
            "SOURCE_DATE_EPOCH", "NO_COLOR", "CI", "GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE"
        ):
            monkeypatch.delenv(name, raising=False)
    for name, value in PINNED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(tmp_path / "clearance-cache"))


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    path = tmp_path / "repo"
    path.mkdir()
    made = Repo(path)
    made.git("init", "-q", "-b", "main")
    return made


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A GitHub REST API fake on 127.0.0.1 (tests/evidence/github_server.py); proxies unset,
    so that the client reaches it."""
    from tests.evidence.github_server import running

    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    with running() as fake:
        yield fake


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Keys]:
    """SSH and OpenPGP signing keys made with ssh-keygen and gpg (tests/signing.py), once."""
    from signing import Keys

    made = Keys.make(tmp_path_factory.mktemp("keys"))
    yield made
    made.close()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., Run]]:
    """Run `clearance` in-process: cli("check", "--repo", path) -> Run."""

    def run(*argv: str | Path) -> Run:
        capsys.readouterr()
        try:
            code = main([str(a) for a in argv])
        except SystemExit as e:  # argparse usage errors
            code = int(e.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    yield run


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report how many examples each property-based test ran (issue: hostile input)."""
    from examples_count import COUNTS

    if COUNTS:
        terminalreporter.section("hypothesis examples run")
        for name, count in sorted(COUNTS.items()):
            terminalreporter.write_line(f"{count:6d}  {name}")
        terminalreporter.write_line(f"{sum(COUNTS.values()):6d}  in all")


def _devnull_intact() -> bool:
    import stat

    return stat.S_ISCHR(os.lstat(os.devnull).st_mode)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when /dev/null is no longer a device at its end: as root, a tool that
    renames a file over its output path destroys it for every later process."""
    if not _devnull_intact():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (f"{os.devnull} is no longer a character device: a test or the code it ran "
                   "replaced it (restore it: rm -f /dev/null; mknod -m 666 /dev/null c 1 3)")
        if reporter is not None:
            reporter.write_line(message, red=True)
        else:
            print(message)
