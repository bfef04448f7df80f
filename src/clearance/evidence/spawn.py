"""Run a program to completion and collect its output, without the `subprocess` module.

Importing `subprocess` (with `threading`, `signal`, `selectors`, `contextlib`
and `locale`) costs a commit hook more than the git commands it runs. On POSIX
this starts the program with `os.posix_spawnp` and moves data through pipes in
one `poll` loop, so a large standard input and large outputs on both streams
never deadlock. Elsewhere it falls back to `subprocess`.

The program gets exactly three descriptors (the pipes are close-on-exec until
they are duplicated onto 0, 1 and 2), the environment it is given, and the
default action for SIGPIPE, as `subprocess` gives it.
"""

from __future__ import annotations

import os
import select
import signal

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

CHUNK = 1 << 16


def run(argv: Sequence[str], env: Mapping[str, str],
        stdin: bytes | None = None) -> tuple[int, bytes, bytes]:
    """(exit code, standard output, standard error) of `argv`, found on PATH.

    Raises OSError when the program cannot be started. A negative exit code
    is the signal that ended the program.
    """
    return start(argv, env, stdin).wait()


def start(argv: Sequence[str], env: Mapping[str, str], stdin: bytes | None = None) -> Running:
    """Start `argv` and return at once; `wait()` on the result collects what `run` returns.

    The program runs while the caller goes on (a commit hook starts its git
    commands before it imports its rules). Output beyond a pipe's buffer waits
    for `wait()`, which must be called: it also reaps the process.
    """
    if not hasattr(os, "posix_spawnp"):
        return Running(None, _with_subprocess(argv, env, stdin))
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    in_r, in_w = os.pipe() if stdin else (-1, -1)
    first = ((os.POSIX_SPAWN_DUP2, in_r, 0) if stdin
             else (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0))
    actions = [first, (os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2),
               *((os.POSIX_SPAWN_CLOSE, fd) for fd in _inherited())]
    try:
        pid = os.posix_spawnp(argv[0], list(argv), dict(env), file_actions=actions,
                              setsigdef=_default_signals())
    except BaseException:
        _close({out_r, err_r, in_w} - {-1})
        raise
    finally:
        _close({out_w, err_w, in_r} - {-1})
    return Running(pid, None, out_r, err_r, in_w, stdin or b"")


class Running:
    """A started program: its pipes, until `wait()` drains them and reaps it."""

    def __init__(self, pid: int | None, done: tuple[int, bytes, bytes] | None,
                 out: int = -1, err: int = -1, feed: int = -1, stdin: bytes = b"") -> None:
        self.pid = pid
        self.done = done
        self.out, self.err, self.feed = out, err, feed
        self.stdin = stdin

    def wait(self) -> tuple[int, bytes, bytes]:
        """(exit code, standard output, standard error), once the program has ended."""
        if self.done is not None:  # asked before, or run by subprocess
            return self.done
        assert self.pid is not None  # only the subprocess fallback has no pid, and it is done
        readers = {self.out: bytearray(), self.err: bytearray()}
        open_fds = {self.out, self.err} | ({self.feed} if self.stdin else set())
        try:
            poller = select.poll()
            for fd in readers:
                poller.register(fd, select.POLLIN)
            pending = memoryview(self.stdin)
            if self.stdin:
                os.set_blocking(self.feed, False)
                poller.register(self.feed, select.POLLOUT)
            while open_fds:
                for fd, _ in poller.poll():
                    if fd == self.feed:
                        try:
                            pending = pending[os.write(fd, pending[:CHUNK]):]
                        except BlockingIOError:
                            continue
                        except BrokenPipeError:  # it stopped reading; what it wrote still counts
                            pending = pending[:0]
                        if pending:
                            continue
                    else:
                        data = os.read(fd, CHUNK)
                        if data:
                            readers[fd] += data
                            continue
                    poller.unregister(fd)
                    _close({fd})
                    open_fds.discard(fd)
        finally:
            _close(open_fds)
            _, status = os.waitpid(self.pid, 0)
        self.done = (os.waitstatus_to_exitcode(status), bytes(readers[self.out]),
                     bytes(readers[self.err]))
        return self.done


def _inherited() -> list[int]:
    """Descriptors above 2 that a child would inherit (those this process inherited itself).

    Python opens its own files close-on-exec, so these can only come from the
    caller; like `subprocess`, the program does not get them.
    """
    try:
        names = os.listdir("/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd")
    except OSError:
        return []
    found = []
    for name in names:
        fd = int(name)
        try:
            if fd > 2 and os.get_inheritable(fd):
                found.append(fd)
        except OSError:  # the descriptor of the listing itself, closed by now
            continue
    return found


def _default_signals() -> tuple[int, ...]:
    """The signals Python ignores that a program expects at their default, as `subprocess` resets."""
    return tuple(getattr(signal, name) for name in ("SIGPIPE", "SIGXFSZ", "SIGXFZ") if hasattr(signal, name))


def _close(fds: set[int]) -> None:
    for fd in fds:
        os.close(fd)


def _with_subprocess(argv: Sequence[str], env: Mapping[str, str],
                     stdin: bytes | None) -> tuple[int, bytes, bytes]:
    import subprocess

    proc = subprocess.run(list(argv), env=dict(env), input=stdin, capture_output=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr
