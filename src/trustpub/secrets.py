"""Finding and redacting PyPI API tokens (and URL passwords). Nothing whole ever leaves this module."""

from __future__ import annotations

import re

# PyPI and TestPyPI API tokens are macaroons serialised as `pypi-` + base64url.
# The body is base64url, so it has capitals; a lower-case name like a job `pypi-publish-uv-build` is not one.
TOKEN_RE = re.compile(r"pypi-(?=[A-Za-z0-9_\-]*[A-Z])[A-Za-z0-9_\-]{16,}")
_SHOWN = 4


def redact(token: str) -> str:
    """`pypi-AgEIcHlwaS5vcmc…` -> `pypi-AgEI…[redacted, 180 chars]`."""
    body = token[len("pypi-"):] if token.startswith("pypi-") else token
    return f"pypi-{body[:_SHOWN]}…[redacted, {len(token)} chars]"


def redact_text(text: str) -> str:
    """Every token in `text` replaced by its redacted form."""
    return TOKEN_RE.sub(lambda m: redact(m.group(0)), text)


def contains_token(text: str) -> bool:
    return TOKEN_RE.search(text) is not None


# `scheme://user:password@host`: a private index URL may carry its password.
_URL_PASSWORD_RE = re.compile(r"(?P<pre>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/@:]*:)[^\s/@]+@")


def redact_url_passwords(text: str) -> str:
    """Every `scheme://user:password@` in `text` becomes `scheme://user:***@`; the rest is kept."""
    return _URL_PASSWORD_RE.sub(lambda m: m.group("pre") + "***@", text)
