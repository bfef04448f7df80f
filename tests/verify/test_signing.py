"""Signed results: `clearance sign` wraps the in-toto statement in a DSSE envelope signed with a
local key; `clearance verify --envelope --key` accepts it and refuses any byte changed."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from helpers import Run

CLI = Callable[..., Run]


def _key_pair(folder: Path, private: Any, name: str) -> tuple[Path, Path]:
    key, pub = folder / f"{name}.pem", folder / f"{name}.pub"
    key.write_bytes(private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    pub.write_bytes(private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return key, pub


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    return _key_pair(tmp_path, ed25519.Ed25519PrivateKey.generate(), "signer")


@pytest.fixture
def signed(made: Any, cli: CLI, keys: tuple[Path, Path], tmp_path: Path) -> Path:
    envelope = tmp_path / "results.dsse.json"
    run = cli("sign", made.path, "--key", keys[0], "-o", envelope)
    assert run.code == 0, run.err
    return envelope


def _verify(cli: CLI, results: Path, envelope: Path, pub: Path) -> Run:
    return cli("verify", results, "--envelope", envelope, "--key", pub)


def test_a_signed_statement_verifies_with_the_public_key(made: Any, cli: CLI, keys: tuple[Path, Path],
                                                        signed: Path) -> None:
    envelope = json.loads(signed.read_text("utf-8"))
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    statement = json.loads(base64.b64decode(envelope["payload"]))
    assert statement["predicate"] == made.doc
    run = _verify(cli, made.path, signed, keys[1])
    assert run.code == 0, run.out
    assert "ok   signature" in run.out.splitlines()


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def test_a_one_byte_change_to_the_signed_payload_is_refused(made: Any, cli: CLI, keys: tuple[Path, Path],
                                                            signed: Path) -> None:
    envelope = json.loads(signed.read_text("utf-8"))
    payload = base64.b64decode(envelope["payload"])
    at = payload.index(b'"verdict":"fail"') + len(b'"verdict":"')
    envelope["payload"] = base64.b64encode(_flip(payload, at)).decode()  # "fail" -> "gail"
    signed.write_text(json.dumps(envelope), encoding="utf-8")
    run = _verify(cli, made.path, signed, keys[1])
    assert run.code == 1
    assert f"FAIL signature: {signed}: expected a signature by key" in run.out


def test_a_one_byte_change_to_the_signature_is_refused(made: Any, cli: CLI, keys: tuple[Path, Path],
                                                       signed: Path) -> None:
    envelope = json.loads(signed.read_text("utf-8"))
    sig = base64.b64decode(envelope["signatures"][0]["sig"])
    envelope["signatures"][0]["sig"] = base64.b64encode(_flip(sig, 5)).decode()
    signed.write_text(json.dumps(envelope), encoding="utf-8")
    run = _verify(cli, made.path, signed, keys[1])
    assert run.code == 1
    assert f"FAIL signature: {signed}: expected a signature by key" in run.out


def test_a_one_byte_change_to_the_results_file_is_refused(made: Any, cli: CLI, keys: tuple[Path, Path],
                                                          signed: Path) -> None:
    data = made.path.read_bytes()
    made.path.write_bytes(data.replace(b'"time": "2026', b'"time": "2027', 1))
    run = _verify(cli, made.path, signed, keys[1])
    assert run.code == 1
    assert f"FAIL signature: {signed}: subject sha256: expected " in run.out
    assert f"FAIL signature: {signed}: predicate: expected the results document (signed)" in run.out


def test_another_key_is_refused(made: Any, cli: CLI, signed: Path, tmp_path: Path) -> None:
    _, other = _key_pair(tmp_path, ec.generate_private_key(ec.SECP256R1()), "other")
    run = _verify(cli, made.path, signed, other)
    assert run.code == 1 and "FAIL signature" in run.out


def test_an_ecdsa_key_signs_too(made: Any, cli: CLI, tmp_path: Path) -> None:
    key, pub = _key_pair(tmp_path, ec.generate_private_key(ec.SECP256R1()), "ecdsa")
    envelope = tmp_path / "ecdsa.dsse.json"
    assert cli("sign", made.path, "--key", key, "-o", envelope).code == 0
    assert _verify(cli, made.path, envelope, pub).code == 0


@pytest.mark.parametrize("argv, said", [
    (["--envelope", "x.json"], "--envelope and --key go together"),
    (["--envelope", "missing.json", "--key", "missing.pub"], "cannot read the public key"),
])
def test_unusable_signature_input_exits_2(made: Any, cli: CLI, argv: list[str], said: str) -> None:
    run = cli("verify", made.path, *argv)
    assert run.code == 2 and said in run.err, run.err


def test_a_key_that_is_not_a_key_exits_2(made: Any, cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key\n")
    run = cli("sign", made.path, "--key", bad)
    assert run.code == 2 and "not an unencrypted PEM private key" in run.err


def test_a_reformatted_results_file_is_not_signed(made: Any, cli: CLI, keys: tuple[Path, Path]) -> None:
    compact = made.edited(lambda d: None, "compact.json")
    run = cli("sign", compact, "--key", keys[0])
    assert run.code == 2 and "not byte for byte as clearance wrote it" in run.err
