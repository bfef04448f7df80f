"""DSSE envelopes of in-toto statements, signed and verified with a local key.

Imported only by `clearance sign` and by `clearance verify --envelope`: it
needs the optional `sign` extra (securesystemslib and cryptography). Keys are
PEM files: a PKCS#8 private key to sign (Ed25519, ECDSA P-256/P-384 or RSA, as
`openssl genpkey` writes them, unencrypted) and the matching SubjectPublicKeyInfo
public key to verify (`openssl pkey -pubout`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from clearance.errors import UsageError

try:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
    from securesystemslib.dsse import Envelope
    from securesystemslib.exceptions import VerificationError
    from securesystemslib.signer import CryptoSigner, SSlibKey
except ImportError as e:  # pragma: no cover - the extra is part of the test set-up
    raise UsageError("signing needs the optional libraries of clearance's `sign` extra",
                     hint="pip install 'clearance[sign]'") from e

from clearance.reporters.intoto import PAYLOAD_TYPE


def sign(statement: Mapping[str, Any], key_file: str) -> dict[str, Any]:
    """The statement in a DSSE envelope signed with the private key in `key_file`."""
    payload = json.dumps(statement, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    envelope = Envelope(payload, PAYLOAD_TYPE, {})
    envelope.sign(_signer(key_file))
    signed: dict[str, Any] = envelope.to_dict()
    return signed


def _signer(key_file: str) -> CryptoSigner:
    data = _read(key_file, "private key")
    try:
        key = load_pem_private_key(data, password=None)
        return CryptoSigner(key)
    except (ValueError, TypeError) as e:
        raise UsageError(f"not an unencrypted PEM private key of a kind DSSE signs with: {e}",
                         key_file, hint="make one with: openssl genpkey -algorithm ed25519 "
                                        "-out key.pem") from e


def public_key(key_file: str) -> SSlibKey:
    """The public key in a PEM file."""
    data = _read(key_file, "public key")
    try:
        return SSlibKey.from_crypto(load_pem_public_key(data))
    except (ValueError, TypeError) as e:
        raise UsageError(f"not a PEM public key: {e}", key_file,
                         hint="give the public half: openssl pkey -in key.pem -pubout -out key.pub") from e


def envelope(data: Mapping[str, Any], name: str) -> Envelope:
    """A DSSE envelope read from its JSON form."""
    try:
        return Envelope.from_dict(dict(data))
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise UsageError(f"not a DSSE envelope: {e}", name,
                         hint="give the file `clearance sign` wrote") from e


def opened(signed: Envelope, key: SSlibKey) -> tuple[bytes | None, str]:
    """The payload when the key signed the envelope; otherwise None and why not."""
    try:
        signed.verify([key], 1)
    except VerificationError as e:
        return None, str(e)
    return signed.payload, ""


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read the {what}: {e.strerror}", path) from e
