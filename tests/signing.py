"""Real signing keys for tests: SSH keys made by ssh-keygen, OpenPGP keys made by gpg.

`Keys.make(folder)` generates them once (a module-scoped fixture calls it):
`qa` (the allowed signer `qa-lead`), `ada` (the change's author, allowed as
`ada`), `mallory` (in no allowed signers file), and OpenPGP keys for
`qa-lead <qa@example.com>` and `mallory <m@example.com>`. Commits are signed
by git itself with `-S`, the way a person signs them.

The programs are required: under CI (`CI` set) a missing one fails the test,
elsewhere it skips it; `.ci/run` installs gnupg when it is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import Repo


def need(program: str, package: str) -> None:
    if shutil.which(program) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{program} is not installed: .ci/run must install Debian's {package}")
        pytest.skip(f"{program} is not installed (apt-get install {package})")


@dataclass(frozen=True)
class Keys:
    folder: Path
    gnupg: Path  # a keyring holding the OpenPGP secret keys
    qa_gpg: str  # fingerprints
    mallory_gpg: str

    @classmethod
    def make(cls, folder: Path) -> Keys:
        need("ssh-keygen", "openssh-client")
        need("gpg", "gnupg")
        for name in ("qa", "ada", "mallory"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name,
                            "-f", str(folder / name)], check=True)
        gnupg = folder / "gnupg"
        gnupg.mkdir(mode=0o700)
        fingerprints = [_gpg_key(gnupg, uid) for uid in ("qa-lead <qa@example.com>",
                                                        "mallory <m@example.com>")]
        return cls(folder, gnupg, *fingerprints)

    def close(self) -> None:
        """Stop the gpg-agent that key generation started for the keyring."""
        subprocess.run(["gpgconf", "--homedir", str(self.gnupg), "--kill", "all"], check=False,
                       capture_output=True)

    def ssh_public(self, name: str) -> str:
        return (self.folder / f"{name}.pub").read_text("utf-8").strip()

    def ssh_fingerprint(self, name: str) -> str:
        """`SHA256:...`, as ssh-keygen prints it."""
        listed = subprocess.run(["ssh-keygen", "-l", "-f", str(self.folder / f"{name}.pub")],
                                check=True, capture_output=True, text=True).stdout
        return listed.split()[1]

    def allowed_signers(self, **principals: str) -> str:
        """An allowed signers file: principal=key name, e.g. allowed_signers(**{"qa-lead": "qa"})."""
        return "".join(f'{who} namespaces="git" {self.ssh_public(key)}\n' for who, key in principals.items())

    def gpg_public(self, fingerprint: str) -> str:
        return _gpg(self.gnupg, "--armor", "--export", fingerprint)

    def sign_ssh(self, repo: Repo, key: str, message: str, *paths: str) -> str:
        """Commit (staging `paths`) with an SSH signature by `key`."""
        return _signed(repo, message, paths, "-c", "gpg.format=ssh",
                       "-c", f"user.signingkey={self.folder / key}.pub")

    def sign_gpg(self, repo: Repo, fingerprint: str, message: str, *paths: str) -> str:
        env = {"GNUPGHOME": str(self.gnupg)}
        return _signed(repo, message, paths, "-c", "gpg.format=openpgp",
                       "-c", f"user.signingkey={fingerprint}", env=env)


def _signed(repo: Repo, message: str, paths: tuple[str, ...], *config: str,
            env: dict[str, str] | None = None) -> str:
    repo.stage(*paths)
    subprocess.run(["git", *config, "commit", "-q", "-S", "--allow-empty", "-m", message],
                   cwd=repo.path, check=True, env={**os.environ, **(env or {})}, capture_output=True)
    return repo.git("rev-parse", "HEAD").strip()


def _gpg(home: Path, *args: str) -> str:
    run = subprocess.run(["gpg", "--homedir", str(home), "--batch", "--no-tty", "--quiet", *args],
                         check=True, capture_output=True, text=True)
    return run.stdout


def _gpg_key(home: Path, uid: str) -> str:
    _gpg(home, "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never")
    listing = _gpg(home, "--with-colons", "--list-keys", uid)
    return next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
