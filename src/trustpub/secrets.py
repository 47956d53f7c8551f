"""Finding and redacting secrets by their shape. Nothing whole ever leaves this module.

Redacted are only strings shaped like a credential, never "every long word":
- PyPI and TestPyPI API tokens: `pypi-` + a macaroon serialised as base64url. Every
  macaroon PyPI issues is version 2, whose first bytes (0x02 0x01) encode as `Ag`;
- JSON Web Tokens (an OIDC token, `ACTIONS_ID_TOKEN_REQUEST_TOKEN`): three base64url
  parts, the first two JSON objects, so each starts `eyJ`;
- GitHub tokens: `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36 or more characters, `github_pat_…`;
- the password in `scheme://user:password@host` (`redact_url_passwords`).
So `01-opendal-testpypi-invalid-publisher.log`, paths and claim values stay as written.
"""

from __future__ import annotations

import re

# PyPI and TestPyPI API tokens.
TOKEN_RE = re.compile(r"pypi-Ag[A-Za-z0-9_\-]{14,}")
JWT_RE = re.compile(r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}")
GITHUB_TOKEN_RE = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})")
SECRET_RE = re.compile("|".join(f"(?:{rx.pattern})" for rx in (TOKEN_RE, JWT_RE, GITHUB_TOKEN_RE)))
_SHOWN = 4
_PREFIXES = ("pypi-", "github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_")


def redact(token: str) -> str:
    """`pypi-AgEIcHlwaS5vcmc…` -> `pypi-AgEI…[redacted, 180 chars]`; a JWT -> `eyJh…[redacted, N chars]`."""
    prefix = next((p for p in _PREFIXES if token.startswith(p)), "")
    body = token[len(prefix):]
    return f"{prefix}{body[:_SHOWN]}…[redacted, {len(token)} chars]"


def redact_text(text: str) -> str:
    """Every secret-shaped string in `text` replaced by its redacted form; the rest kept as it is."""
    return SECRET_RE.sub(lambda m: redact(m.group(0)), text)


def contains_token(text: str) -> bool:
    """Whether `text` holds a PyPI API token."""
    return TOKEN_RE.search(text) is not None


def contains_secret(text: str) -> bool:
    """Whether `text` holds anything `redact_text` would redact (a PyPI token, a JWT, a GitHub token)."""
    return SECRET_RE.search(text) is not None


# `scheme://user:password@host`: a private index URL may carry its password.
_URL_PASSWORD_RE = re.compile(r"(?P<pre>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s/@:]*:)[^\s/@]+@")


def redact_url_passwords(text: str) -> str:
    """Every `scheme://user:password@` in `text` becomes `scheme://user:***@`; the rest is kept."""
    return _URL_PASSWORD_RE.sub(lambda m: m.group("pre") + "***@", text)
