"""Running programs without `subprocess`: data through all three pipes, exit codes, failures."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from clearance.evidence import spawn

ENV = dict(os.environ)


def test_output_and_exit_code_of_a_program() -> None:
    code, out, err = spawn.run([sys.executable, "-c", "import sys; print('out'); "
                                "print('err', file=sys.stderr); sys.exit(3)"], ENV)
    assert (code, out, err) == (3, b"out\n", b"err\n")


def test_large_input_and_large_outputs_on_both_streams_do_not_deadlock() -> None:
    # The child echoes 4 MB back on stdout and on stderr while it is still being
    # fed: every pipe fills up many times over.
    data = bytes(range(256)) * (4 << 12)
    echo = ("import sys\n"
            "while chunk := sys.stdin.buffer.read(1000):\n"
            "    sys.stdout.buffer.write(chunk); sys.stderr.buffer.write(chunk)\n")
    code, out, err = spawn.run([sys.executable, "-c", echo], ENV, data)
    assert code == 0
    assert out == data and err == data


def test_a_program_that_stops_reading_early_keeps_its_output() -> None:
    code, out, _ = spawn.run([sys.executable, "-c", "import sys; print(sys.stdin.read(5))"],
                             ENV, b"x" * (8 << 20))
    assert (code, out) == (0, b"xxxxx\n")


def test_without_input_the_program_reads_end_of_file() -> None:
    code, out, _ = spawn.run([sys.executable, "-c", "import sys; print(repr(sys.stdin.read()))"], ENV)
    assert (code, out) == (0, b"''\n")


def test_the_program_gets_the_environment_it_is_given_and_only_three_descriptors() -> None:
    inheritable = os.open(os.devnull, os.O_RDONLY)
    os.set_inheritable(inheritable, True)  # as a descriptor handed down by a parent would be
    probe = ("import os\n"
             "print(os.environ.get('CLEARANCE_PROBE'))\n"
             "print(sorted(int(fd) for fd in os.listdir('/proc/self/fd')))")
    try:
        code, out, _ = spawn.run([sys.executable, "-c", probe], {**ENV, "CLEARANCE_PROBE": "yes"})
    finally:
        os.close(inheritable)
    assert code == 0
    value, fds = out.decode().splitlines()
    assert value == "yes"
    assert fds == "[0, 1, 2, 3]"  # 3 is the descriptor listdir opened in the child


def ignored(status: bytes) -> set[int]:
    """The signals ignored, from the SigIgn mask of /proc/PID/status."""
    mask = int(next(line for line in status.splitlines() if line.startswith(b"SigIgn:")).split()[1], 16)
    return {n for n in range(1, 65) if mask >> (n - 1) & 1}


def test_sigpipe_and_sigxfsz_are_back_to_their_default_in_the_program() -> None:
    with open("/proc/self/status", "rb") as own:
        assert {signal.SIGPIPE, signal.SIGXFSZ} <= ignored(own.read())  # Python ignores them here
    code, out, _ = spawn.run(["cat", "/proc/self/status"], ENV)
    assert code == 0
    assert not {signal.SIGPIPE, signal.SIGXFSZ} & ignored(out)


def test_a_program_killed_by_a_signal_has_a_negative_code() -> None:
    code, _, _ = spawn.run([sys.executable, "-c", "import os; os.kill(os.getpid(), 9)"], ENV)
    assert code == -9


def test_a_missing_program_raises_oserror_and_leaks_no_descriptor() -> None:
    before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(OSError):
        spawn.run(["clearance-no-such-program"], ENV, b"input")
    assert len(os.listdir("/proc/self/fd")) == before


def test_the_fallback_without_posix_spawn_gives_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = [sys.executable, "-c", "import sys; d = sys.stdin.read(); print(d.upper()); sys.exit(2)"]
    spawned = spawn.run(argv, ENV, b"abc")
    monkeypatch.delattr(os, "posix_spawnp")
    assert spawn.run(argv, ENV, b"abc") == spawned == (2, b"ABC\n", b"")


def test_a_started_program_gives_on_wait_what_run_gives_and_is_reaped() -> None:
    argv = [sys.executable, "-c", "import sys; print(sys.stdin.read()[::-1])"]
    running = spawn.start(argv, ENV, b"abc")
    assert running.wait() == spawn.run(argv, ENV, b"abc") == (0, b"cba\n", b"")
    assert running.wait() == (0, b"cba\n", b"")  # asking again gives the same answer
    with pytest.raises(ChildProcessError):
        os.waitpid(running.pid or 0, os.WNOHANG)  # already reaped: no zombie left
