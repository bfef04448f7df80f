"""Who signed the commit that wrote an attestation record, as `git verify-commit` checks it
against the signers the base revision allows.

The allowed signers are files of the base revision, read from git objects (never the
working tree, never the change under evaluation, so a change cannot add its author's
key and sign with it):

- SSH: `.clearance/allowed_signers`, in ssh-keygen's ALLOWED SIGNERS format (what
  `gpg.ssh.allowedSignersFile` names); the principal of a key is the login it
  signs for: `qa-lead namespaces="git" ssh-ed25519 AAAA...`;
- OpenPGP: `.clearance/allowed_signers.asc`, public keys (armored or binary),
  imported into a keyring made for the check and removed after it; the name or
  the email of the signing key's user id is the login: `qa-lead <qa@example.com>`.

A signature counts when `git verify-commit` accepts it against those files and
git reports it good (`%G?` G; U for OpenPGP, whose keyring holds only the
allowed keys and no trust). Git runs with the standard programs (`gpg`,
`ssh-keygen`) whatever the configuration says.
"""

from __future__ import annotations

import os

from clearance.errors import EvidenceError
from clearance.evidence import spawn
from clearance.evidence.context import Evidence
from clearance.evidence.inputs import record_for
from clearance.records import Record

SSH_SIGNERS = ".clearance/allowed_signers"
OPENPGP_KEYS = ".clearance/allowed_signers.asc"
KINDS = {b"-----BEGIN SSH SIGNATURE": "ssh", b"-----BEGIN PGP SIGNATURE": "openpgp",
         b"-----BEGIN SIGNED MESSAGE": "x509"}
GOOD = {"ssh": ("G",), "openpgp": ("G", "U")}
STATUS = {"B": "a bad signature", "E": "a signature by a key the allowed signers do not hold",
          "N": "no signature", "R": "a signature by a revoked key", "U": "a signature by a key "
          "the allowed signers do not hold", "X": "an expired signature",
          "Y": "a signature by an expired key"}


class Signers(Record):
    """The allowed signers of the base revision: file contents, or why there are none."""

    ssh: bytes | None
    openpgp: bytes | None
    revision: str
    why: str = ""
    paths: tuple[str, str] = (SSH_SIGNERS, OPENPGP_KEYS)


class Signature(Record):
    """What git says of a commit's signature."""

    commit: str
    kind: str  # ssh, openpgp, x509, or "" when the commit is not signed
    good: bool
    signer: str = ""  # the SSH principal, or the OpenPGP user id
    key: str = ""  # the key's fingerprint
    problem: str = ""  # why it does not count, when it does not

    def names(self) -> set[str]:
        """The logins the signer stands for: SSH principals; an OpenPGP user id's name and email."""
        if self.kind == "ssh":
            return {p.strip().casefold() for p in self.signer.split(",") if p.strip()}
        name, _, rest = self.signer.partition("<")
        email = rest.split(">", 1)[0]
        return {n.strip().casefold() for n in (name.split("(", 1)[0], email) if n.strip()}


def allowed_signers(evidence: Evidence, ssh_path: str = SSH_SIGNERS,
                    openpgp_path: str = OPENPGP_KEYS) -> Signers:
    """The allowed signer files of the base revision (read once per run)."""
    def compute() -> Signers:
        try:
            base = evidence.base
        except EvidenceError as e:
            return Signers(None, None, "", f"no base revision to read them from ({e.message})",
                           (ssh_path, openpgp_path))
        found = evidence.git.read_blobs([f"{base}:{ssh_path}", f"{base}:{openpgp_path}"])
        ssh, openpgp = found.get(f"{base}:{ssh_path}"), found.get(f"{base}:{openpgp_path}")
        for path, data in ((ssh_path, ssh), (openpgp_path, openpgp)):
            if data is not None:  # the keys that decided, with their digest
                evidence.note(record_for(f"{base[:12]}:{path}", data, "git"))
        why = "" if ssh or openpgp else f"neither {ssh_path} nor {openpgp_path} is in the base revision"
        return Signers(ssh, openpgp, base, why, (ssh_path, openpgp_path))
    return evidence.memo(f"signers:{ssh_path}:{openpgp_path}", compute)


def last_change(evidence: Evidence, revision: str, path: str) -> str | None:
    """The commit that last changed `path` as `revision` has it (the one that wrote it)."""
    out = evidence.git.run("--literal-pathspecs", "-c", "log.showSignature=false", "log", "-1",
                           "--format=%H", revision, "--", path)
    return out.decode().strip() or None


def verify(evidence: Evidence, commit: str, signers: Signers) -> Signature:
    """The signature of a commit, verified against the allowed signers (once per run)."""
    return evidence.memo(f"signature:{commit}:{signers.revision}:{':'.join(signers.paths)}",
                         lambda: _verify(evidence, commit, signers))


def _verify(evidence: Evidence, commit: str, signers: Signers) -> Signature:
    kind = _kind(evidence.git.run("cat-file", "commit", commit))
    if not kind:
        return Signature(commit, "", False, problem="it is not signed")
    if signers.why:
        return Signature(commit, kind, False, problem=f"no allowed signers: {signers.why}")
    if kind not in GOOD:
        return Signature(commit, kind, False, problem=f"its {kind} signature is not supported")
    import tempfile  # only to verify: it pulls in shutil and random

    with tempfile.TemporaryDirectory(prefix="clearance-signers-") as folder:
        env = _keyrings(folder, signers, kind)
        return _checked(evidence, commit, kind, folder, env)


def _kind(raw: bytes) -> str:
    header = raw.split(b"\n\n", 1)[0]
    for line in header.split(b"\n"):
        if line.startswith((b"gpgsig ", b"gpgsig-sha256 ")):
            signature = line.split(b" ", 1)[1].strip()
            return next((k for start, k in KINDS.items() if signature.startswith(start)), "unknown")
    return ""


def _keyrings(folder: str, signers: Signers, kind: str) -> dict[str, str]:
    """The allowed signers file and a keyring of the allowed OpenPGP keys, in `folder`."""
    with open(os.path.join(folder, "allowed_signers"), "wb") as handle:
        handle.write(signers.ssh or b"")
    home = os.path.join(folder, "gnupg")
    os.mkdir(home, 0o700)
    env = {**os.environ, "GNUPGHOME": home, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    if kind == "openpgp" and signers.openpgp:
        keys = os.path.join(folder, "keys")
        with open(keys, "wb") as handle:
            handle.write(signers.openpgp)
        code, _, err = _run(["gpg", "--batch", "--no-tty", "--quiet", "--import", keys], env)
        if code != 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {code}"]
            raise EvidenceError(f"gpg cannot import the allowed OpenPGP keys: {detail[0]}",
                                f"{signers.revision}:{signers.paths[1]}")
    return env


def _checked(evidence: Evidence, commit: str, kind: str, folder: str,
             env: dict[str, str]) -> Signature:
    config = ["-c", f"gpg.ssh.allowedSignersFile={os.path.join(folder, 'allowed_signers')}",
              "-c", "gpg.program=gpg", "-c", "gpg.openpgp.program=gpg",
              "-c", "gpg.ssh.program=ssh-keygen", "-c", "gpg.minTrustLevel=undefined",
              "-c", "log.showSignature=false"]
    git = ["git", "-C", os.fspath(evidence.spec.root), *config]
    verified, _, _ = _run([*git, "verify-commit", commit], env)
    _, out, _ = _run([*git, "log", "-1", "--format=%G?%x00%GS%x00%GF", commit], env)
    status, signer, key = ([*out.decode("utf-8", "replace").rstrip("\n").split("\0"), "", ""])[:3]
    good = verified == 0 and status in GOOD[kind]
    problem = "" if good else f"git finds {STATUS.get(status, 'no good signature')}"
    return Signature(commit, kind, good, signer if good else "", key, problem)


def _run(argv: list[str], env: dict[str, str]) -> tuple[int, bytes, bytes]:
    try:
        return spawn.run(argv, env)
    except OSError as e:
        raise EvidenceError(f"cannot run {argv[0]} to verify a signature: {e.strerror}",
                            hint=f"install {'gnupg' if argv[0] == 'gpg' else argv[0]}") from e
