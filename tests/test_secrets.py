"""trustpub.secrets: whatever surrounds a token, redaction removes it and keeps the rest; ordinary words survive."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally import count
from trustpub.secrets import (SECRET_RE, TOKEN_RE, contains_secret, contains_token, redact, redact_text,
                              redact_url_passwords)

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
REAL = "pypi-AgEIcHlwaS5vcmc" + "Q" * 150

# Every PyPI token is `pypi-` + a version-2 macaroon in base64url, which starts `Ag`.
tokens = st.builds(lambda body: "pypi-Ag" + body, st.text(alphabet=B64URL, min_size=14, max_size=220))
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
    assert TOKEN_RE.sub("", text) == TOKEN_RE.sub("", "".join(a + "pypi-AgXXXXXXXXXXXXXX" for a, _ in pieces) + tail)
    expected = "".join(a + redact(t) for a, t in pieces) + tail
    assert red == expected
    count(examples=1, inputs=1)


@given(st.text(alphabet=B64URL, max_size=15))
def test_short_pypi_strings_are_not_tokens(body):
    assert not contains_token("pypi-" + body)
    count(examples=1, inputs=1)


# Ordinary text of logs and of the tool's own messages: file names, paths, claim values, URLs.
_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=24)
_words = st.lists(_word, min_size=1, max_size=6)
file_names = st.builds(lambda ws, ext: "-".join(ws) + ext, _words, st.sampled_from([".log", ".txt", ".yml", ".whl", ""]))
paths = st.builds(lambda parts, name: "/".join(["", *parts, name]), st.lists(_word, max_size=5), file_names)
claim_values = st.one_of(
    st.builds(lambda o, r, t: f"repo:{o}/{r}:ref:refs/tags/v{t}", _word, _word, st.integers(0, 999)),
    st.builds(lambda o, oi, r, ri: f"repo:{o}-{oi}/{r}-{ri}:environment:pypi", _word, st.integers(1, 10**9), _word,
              st.integers(1, 10**9)),
    st.builds(lambda o, r, f: f"{o}/{r}/.github/workflows/{f}.yml@refs/tags/v1.2.3", _word, _word, _word),
    st.builds(lambda w: f"https://test.pypi.org/manage/project/{w}/settings/publishing/", _word),
)
ordinary = st.one_of(file_names, paths, claim_values,
                     st.builds(lambda ws: "pypi-" + "-".join(ws), _words),      # testpypi-invalid-publisher…
                     st.builds(lambda ws: "testpypi-" + "-".join(ws) + ".log", _words))


@given(st.lists(ordinary, min_size=1, max_size=4))
def test_ordinary_names_paths_and_claims_survive(pieces):
    text = " ".join(pieces)
    assert redact_text(text) == text and not contains_secret(text)
    count(examples=1, inputs=1)


def test_the_file_name_of_the_issue_survives():
    name = "logs/01-opendal-testpypi-invalid-publisher-with-a-long-name.log"
    assert redact_text(f"{name}: recognised 1 case(s)") == f"{name}: recognised 1 case(s)"


JWT = ("eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ." "eyJzdWIiOiJyZXBvOm9jdG8vd2lkZ2V0OnJlZjpyZWZzL3RhZ3MvdjEifQ."
       "c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1oZXJl")
GH_TOKEN = "ghp_" + "a1B2c3D4e5" * 4
FINE_GRAINED = "github_pat_" + "11ABCDEFG0" * 4 + "_xyz"


@pytest.mark.parametrize("secret", [REAL, JWT, GH_TOKEN, FINE_GRAINED])
def test_every_secret_shape_is_redacted(secret):
    text = f"Authorization: Bearer {secret}\nnext line"
    red = redact_text(text)
    assert secret not in red and "[redacted," in red and red.endswith("\nnext line")
    assert not contains_secret(red) and redact_text(red) == red
    assert SECRET_RE.fullmatch(secret)


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
