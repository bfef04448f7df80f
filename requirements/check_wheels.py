"""Check that action.lock installs from wheels on every runner the action supports.

For each operating system and Python version of the action (docs/github-action.md),
`pip download --only-binary :all: --require-hashes` of the lock's entries whose
markers hold on that Python, with the platform tags of that runner: every pick must
be a wheel whose hash the lock lists. Run by `make lock` (it needs the index).

    python requirements/check_wheels.py requirements/action.lock
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.markers import Marker

PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
PLATFORMS = {  # what pip on each GitHub-hosted runner accepts, newest tag first
    "ubuntu x86_64": ("manylinux_2_39_x86_64", "manylinux_2_28_x86_64", "manylinux_2_17_x86_64",
                      "manylinux2014_x86_64", "linux_x86_64"),
    "ubuntu arm64": ("manylinux_2_39_aarch64", "manylinux_2_28_aarch64", "manylinux_2_17_aarch64",
                     "manylinux2014_aarch64", "linux_aarch64"),
    "macos arm64": ("macosx_14_0_arm64", "macosx_11_0_arm64", "macosx_10_9_universal2"),
    "macos x86_64": ("macosx_13_0_x86_64", "macosx_10_9_x86_64", "macosx_10_9_universal2"),
    "windows x86_64": ("win_amd64",),
}


def entries(lock: str) -> list[tuple[str, str]]:
    """(requirement with its hashes, marker text) per entry of a hashed lock."""
    found: list[tuple[str, str]] = []
    for block in lock.replace("\\\n", " ").splitlines():
        if not block.strip() or block.lstrip().startswith("#"):
            continue
        requirement, _, rest = block.partition(" --hash")
        name, _, marker = requirement.partition(";")
        found.append((f"{name.strip()} --hash{rest}", marker.strip()))
    return found


def for_python(lock: str, version: str) -> str:
    """The lock's entries that pip would install on CPython `version`, without markers."""
    env = {"python_version": version, "python_full_version": f"{version}.0",
           "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    return "\n".join(req for req, marker in entries(lock)
                     if not marker or Marker(marker).evaluate(env)) + "\n"


def check(lock_path: Path) -> list[str]:
    lock = lock_path.read_text("utf-8")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for version in PYTHONS:
            requirements = Path(tmp, f"py{version}.txt")
            requirements.write_text(for_python(lock, version), "utf-8")
            for runner, tags in PLATFORMS.items():
                argv = [sys.executable, "-m", "pip", "download", "--isolated", "--quiet", "--no-deps",
                        "--only-binary", ":all:", "--require-hashes", "--python-version", version,
                        "--implementation", "cp", "--dest", str(Path(tmp, "wheels")),
                        "-r", str(requirements)]
                for tag in tags:
                    argv += ["--platform", tag]
                proc = subprocess.run(argv, capture_output=True, text=True, check=False)
                status = "ok" if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1]
                print(f"{runner}, Python {version}: {status}")
                if proc.returncode:
                    failures.append(f"{runner}, Python {version}")
    return failures


if __name__ == "__main__":
    failed = check(Path(sys.argv[1] if len(sys.argv) > 1 else "requirements/action.lock"))
    if failed:
        sys.exit(f"no wheel with a locked hash for: {'; '.join(failed)}")
