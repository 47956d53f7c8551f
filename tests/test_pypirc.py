"""trustpub.pypirc: the one reader of .pypirc (findings, scrub, byte-for-byte preservation)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustpub.errors import BadInput
from trustpub.pypirc import default_pypirc_path, parse_pypirc, read_pypirc, split_lines

TOKEN_A = "pypi-AgEIcHlwaS5vcmcCJDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
TOKEN_B = "pypi-AgENdGVzdC5weXBpLm9yZwBBBBBBBBBBBBBBBBBBBBBBBB"
TOKEN_C = "pypi-AgEIcHlwaS5vcmcCJDCCCCCCCCCCCCCCCCCCCCC"

SEEDISH = f"""[distutils]
index-servers =
    pypi
    testpypi

[pypi]
username = __token__
password = {TOKEN_A}

[testpypi]
repository = https://test.pypi.org/legacy/
username = __token__
password = {TOKEN_B}
"""


def parse(text: str):
    return parse_pypirc(text, Path("pypirc"))


def test_findings_name_section_key_and_line_without_the_token():
    found = parse(SEEDISH).findings
    assert [(f.section, f.key, f.line) for f in found] == [("pypi", "password", 8), ("testpypi", "password", 13)]
    for f in found:
        assert TOKEN_A not in str(f) and TOKEN_B not in str(f) and TOKEN_A not in repr(f)
        assert "redacted" in f.where


def test_scrub_removes_password_and_username_only_section_keeps_rest():
    new, found, sections = parse(SEEDISH).scrubbed()
    assert sections == ["pypi"]
    assert new == """[distutils]
index-servers =
    pypi
    testpypi

[testpypi]
repository = https://test.pypi.org/legacy/
username = __token__
"""
    assert len(found) == 2


def test_continuation_line_belongs_to_the_removed_entry():
    text = f"[testpypi]\nrepository = https://test.pypi.org/legacy/\npassword =\n    {TOKEN_B}\nusername = me\n"
    new, found, _ = parse(text).scrubbed()
    assert found[0].lines == (3, 4)
    assert new == "[testpypi]\nrepository = https://test.pypi.org/legacy/\nusername = me\n"


def test_token_split_over_two_continuation_lines_is_one_finding():
    # A token continued on the next indented line: the whole value goes.
    text = f"[pypi]\nrepository = https://upload.pypi.org/legacy/\npassword = {TOKEN_A[:30]}\n  {TOKEN_A[30:]}\n"
    # The first half alone is a token-looking string; both lines go with the entry.
    new, found, _ = parse(text).scrubbed()
    assert len(found) == 1 and found[0].lines == (3, 4)
    assert new == "[pypi]\nrepository = https://upload.pypi.org/legacy/\n"


def test_commented_out_token_is_removed_plain_comments_kept():
    text = f"# my settings\n[pypi]\nrepository = https://upload.pypi.org/legacy/\n# password = {TOKEN_C}\n; keep me\n"
    new, found, sections = parse(text).scrubbed()
    assert [f.key for f in found] == [None]
    assert sections == []   # a section is only dropped when its own password went
    assert new == "# my settings\n[pypi]\nrepository = https://upload.pypi.org/legacy/\n; keep me\n"


def test_crlf_bom_unicode_and_comments_survive_byte_for_byte():
    text = ("\ufeff# Zugangsdaten für PyPI — ✓\r\n[pypi]\r\nusername = __token__\r\n"
            f"password = {TOKEN_A}\r\n\r\n[other]\r\nrepository = https://example.invalid/\r\n"
            "username = jörg ; not a comment for RawConfigParser\r\n")
    new, _, sections = parse(text).scrubbed()
    assert sections == ["pypi"]
    assert new == ("\ufeff# Zugangsdaten für PyPI — ✓\r\n[other]\r\nrepository = https://example.invalid/\r\n"
                   "username = jörg ; not a comment for RawConfigParser\r\n")


def test_bom_kept_when_first_line_is_removed():
    text = f"\ufeff[pypi]\r\npassword = {TOKEN_A}\r\n[x]\r\nrepository = https://e.invalid/\r\n"
    new, _, _ = parse(text).scrubbed()
    assert new == "\ufeff[x]\r\nrepository = https://e.invalid/\r\n"


def test_password_without_token_is_left_alone():
    text = "[private]\nrepository = https://pkgs.example.invalid/\nusername = me\npassword = hunter2hunter2\n"
    p = parse(text)
    assert p.findings == [] and p.scrubbed()[0] == text


def test_key_case_and_colon_delimiter():
    text = f"[pypi]\nrepository: https://upload.pypi.org/legacy/\nPassword : {TOKEN_A}\n"
    new, found, _ = parse(text).scrubbed()
    assert found[0].key == "password"
    assert new == "[pypi]\nrepository: https://upload.pypi.org/legacy/\n"


def test_no_trailing_newline():
    text = f"[a]\nrepository = https://e.invalid/\npassword = {TOKEN_A}"
    assert parse(text).scrubbed()[0] == "[a]\nrepository = https://e.invalid/\n"


def test_split_lines_only_on_configparser_line_ends():
    assert split_lines("a\r\nb\u2028c\nd\re") == ["a\r\n", "b\u2028c\n", "d\r", "e"]


@pytest.mark.parametrize("text, fragment", [
    ("x = 1\n", "line 1: an option before any [section]"),
    ("[a]\nnot an option\n", "line 2"),
    ("[a]\n[a]\n", "section [a] appears twice"),
    ("[a]\nx=1\nx=2\n", "option 'x' appears twice"),
])
def test_unparseable_ini_is_one_line_bad_input(text, fragment):
    with pytest.raises(BadInput) as exc:
        parse(text)
    msg = str(exc.value)
    assert "\n" not in msg and fragment in msg and msg.startswith("pypirc: not a valid .pypirc")


def test_bad_input_never_echoes_a_token():
    with pytest.raises(BadInput) as exc:
        parse(f"password = {TOKEN_A}\n")
    assert TOKEN_A not in str(exc.value)


def test_read_pypirc_missing_binary_non_utf8(tmp_path):
    assert read_pypirc(tmp_path / "none") is None
    (tmp_path / "bin").write_bytes(b"[a]\0\n")
    (tmp_path / "latin").write_bytes(b"[a]\nx = \xe9\n")
    for name in ("bin", "latin"):
        with pytest.raises(BadInput):
            read_pypirc(tmp_path / name)
    with pytest.raises(BadInput):
        read_pypirc(tmp_path)


def test_default_path_env_then_home(tmp_path):
    assert default_pypirc_path({"PYPIRC": str(tmp_path / "x")}) == tmp_path / "x"
    assert default_pypirc_path({"HOME": str(tmp_path)}) == tmp_path / ".pypirc"
