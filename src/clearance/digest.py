"""SHA-256 for the commit path, without loading OpenSSL.

`hashlib` loads the OpenSSL binding (several milliseconds on start-up); a
commit hook digests a few small policy files and the staged files it reads,
for which Python's built-in SHA-256 module is as good. The digests are the
same bytes either way; large evidence files are streamed through `hashlib`.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from hashlib import sha256 as sha256
else:
    # The module's name by version: a failed import searches every folder of sys.path (1 ms).
    try:
        if sys.version_info >= (3, 12):
            from _sha2 import sha256
        else:
            from _sha256 import sha256
    except ImportError:  # a build without the built-in module
        from hashlib import sha256


def hexdigest(data: bytes) -> str:
    """The SHA-256 of some bytes, as 64 hex digits."""
    return sha256(data).hexdigest()


def git_blob_id(data: bytes, object_format: str) -> str:
    """The object id git gives a file of these bytes: `sha1` or `sha256` of `blob SIZE\\0DATA`."""
    if object_format == "sha256":
        digest = sha256(b"blob %d\0" % len(data))
    else:
        if TYPE_CHECKING:
            from hashlib import sha1
        else:
            try:
                from _sha1 import sha1
            except ImportError:  # a build without the built-in module
                from hashlib import sha1
        digest = sha1(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()
