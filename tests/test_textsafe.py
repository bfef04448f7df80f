"""Untrusted text on a terminal: every control and bidi character escaped, nothing else."""

from __future__ import annotations

import unicodedata

from clearance.textsafe import clean

BIDI = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def test_controls_but_tab_and_bidi_controls_are_escaped_and_the_rest_kept() -> None:
    for code in range(0x3000):
        char = chr(code)
        unsafe = (unicodedata.category(char) == "Cc" and char != "\t") or code in BIDI
        shown = clean(f"a{char}b")
        if unsafe:
            assert shown == "a" + (f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}") + "b", hex(code)
        else:
            assert shown == f"a{char}b", hex(code)


def test_an_injected_workflow_command_stays_on_its_line() -> None:
    assert clean("ok\n::error::pwned\x1b[31m") == "ok\\x0a::error::pwned\\x1b[31m"
