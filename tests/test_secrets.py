"""trustpub.secrets: whatever surrounds a token, redaction removes it and keeps the rest."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally import count
from trustpub.secrets import TOKEN_RE, contains_token, redact, redact_text, redact_url_passwords

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
REAL = "pypi-AgEIcHlwaS5vcmc" + "Q" * 150

tokens = st.builds(lambda body: "pypi-" + body, st.text(alphabet=B64URL, min_size=16, max_size=220))
# Surroundings that are not token characters (a token's extent is then unambiguous).
around = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=B64URL), max_size=40)
separator = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=B64URL), min_size=1,
                    max_size=40)


def test_redact_shape():
    r = redact(REAL)
    assert r == f"pypi-AgEI…[redacted, {len(REAL)} chars]"
    assert not contains_token(r)


@settings(max_examples=max(50, settings.default.max_examples // 4))
@given(st.lists(st.tuples(separator, tokens), min_size=1, max_size=5), around)
def test_redact_text_removes_every_token_and_keeps_the_rest(pieces, tail):
    text = "".join(a + t for a, t in pieces) + tail
    red = redact_text(text)
    for _, t in pieces:
        assert t not in red
        assert t[5:] not in red  # not even the body without its prefix
    assert not contains_token(red)
    assert redact_text(red) == red  # idempotent
    # Everything but the tokens is untouched, in order.
    assert TOKEN_RE.sub("", text) == TOKEN_RE.sub("", "".join(a + "pypi-XXXXXXXXXXXXXXXX" for a, _ in pieces) + tail)
    expected = "".join(a + redact(t) for a, t in pieces) + tail
    assert red == expected
    count(examples=1, inputs=1)


@given(st.text(alphabet=B64URL, max_size=15))
def test_short_pypi_strings_are_not_tokens(body):
    assert not contains_token("pypi-" + body)
    count(examples=1, inputs=1)


def test_token_in_common_places():
    for text in (f"password = {REAL}", f"TWINE_PASSWORD={REAL}", f'"password": "{REAL}"',
                 f"https://__token__:{REAL}@upload.pypi.org/legacy/", f"{REAL}\r\n", f"#{REAL}#"):
        red = redact_text(text)
        assert REAL not in red and "pypi-AgEI" in red


@pytest.mark.parametrize("text, expected", [
    ("http://user:s3cr3t@127.0.0.1:8080/pypi/x/json: refused", "http://user:***@127.0.0.1:8080/pypi/x/json: refused"),
    ("see https://__token__:pypi-AgEIabc@upload.example/legacy/", "see https://__token__:***@upload.example/legacy/"),
    ("two: a://u:p@h and b://v:q@k", "two: a://u:***@h and b://v:***@k"),
    ("https://user@host/ has no password", "https://user@host/ has no password"),
    ("https://pypi.org/pypi/x/json and user:pass@ not a URL", "https://pypi.org/pypi/x/json and user:pass@ not a URL"),
])
def test_redact_url_passwords(text, expected):
    assert redact_url_passwords(text) == expected
    assert redact_url_passwords(expected) == expected  # idempotent
