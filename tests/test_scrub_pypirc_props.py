"""Property tests for the `.pypirc` scrubber (scripts/scrub_pypirc.py via trustpub.pypirc).

Hypothesis generates `.pypirc` files with comments, blank lines, CRLF and LF
(mixed), a BOM, unicode, several sections, tokens under different keys and in
different positions (whole value, inside a value, on a continuation line, in a
comment), and multi-line values. The generator knows what every line is, so an
independent model says which lines must go and which must stay:

- every line that is not part of a token entry is kept byte for byte, in order
  (the only other lines that may go: the header and `username` of a section left
  with nothing else, and blank lines of such a section);
- no `pypi-` token remains; the result parses as twine parses it; every option
  that stays keeps its value; the backup is redacted and 0600;
- a second run changes nothing.

The script's `main` runs in-process (with `--yes`) on a real file for each example.
"""

from __future__ import annotations

import configparser
import io
import stat
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from hypothesis import given, note, settings
from hypothesis import strategies as st

from trustpub.commands import scrub_pypirc
from tally import count
from trustpub.pypirc import parse_pypirc, split_lines
from trustpub.secrets import TOKEN_RE

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@dataclass
class GLine:
    text: str        # without the line ending
    role: str        # "header" | "option" | "cont" | "blank" | "comment" | "prelude"
    section: str | None
    key: str | None = None  # the option this line belongs to (option/cont)


tokens = st.builds(lambda body: "pypi-AgEIcHlwaS5vcmc" + body,
                   st.text(alphabet=B64URL, min_size=0, max_size=160))
# Text that must survive: unicode, odd whitespace, near-miss "pypi-" strings that are not tokens.
safe_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
            max_size=30),
    st.sampled_from(["https://upload.pypi.org/legacy/", "__token__", "pypi-short", "pypi-", "Zoë ✓ 日本",
                     "a\u2028b", "x\x85y", "tab\there", "%(interp)s", "value ; not a comment", "pypi"]),
)
# configparser: a key has no = or :, does not start with [ or a comment prefix or whitespace.
keys = st.sampled_from(["username", "password", "repository", "token", "api_token", "index-servers",
                        "Password", "clé", "ключ", "x"])
line_endings = st.sampled_from(["\n", "\r\n"])


def clean_value(v: str) -> str:
    return v.strip()


@st.composite
def option_lines(draw, section: str, key: str) -> list[GLine]:
    delim = draw(st.sampled_from(["=", " = ", ": ", ":", " =\t"]))
    where = draw(st.sampled_from(["none", "value", "inside", "continuation", "comment-after"]))
    tok = draw(tokens)
    value = draw(safe_text).strip() or "v"
    if value.startswith(("#", ";")):
        value = "v" + value
    if where == "value":
        value = tok
    elif where == "inside":
        value = f"{value} {tok} {value}"
    lines = [GLine(f"{key}{delim}{value}", "option", section, key)]
    n_cont = draw(st.integers(0, 3 if where == "continuation" else 2))
    if where == "continuation":
        n_cont = max(n_cont, 1)
    tok_at = draw(st.integers(0, max(0, n_cont - 1)))
    for i in range(n_cont):
        if draw(st.booleans()) and i > 0:
            lines.append(GLine(draw(st.sampled_from(["", "  ", "\t"])), "blank", section, key))
        if draw(st.integers(0, 4)) == 0:
            lines.append(GLine("  # inside the value", "comment", section))
        text = draw(safe_text).strip() or "more"
        if text.startswith(("#", ";", "[")):
            text = "x" + text
        if where == "continuation" and i == tok_at:
            text = tok
        lines.append(GLine(draw(st.sampled_from(["  ", "    ", "\t", " "])) + text, "cont", section, key))
    if where == "comment-after":
        lines.append(GLine(draw(st.sampled_from(["# old: ", "; ", "#"])) + tok, "comment", section))
    return lines


@st.composite
def pypirc_files(draw) -> tuple[str, list[GLine], list[str]]:
    names = draw(st.lists(st.sampled_from(["distutils", "pypi", "testpypi", "private", "prïvé-índex", "ci"]),
                          min_size=1, max_size=5, unique=True))
    glines: list[GLine] = []
    for _ in range(draw(st.integers(0, 2))):
        glines.append(draw(st.sampled_from([GLine("", "blank", None), GLine("# ~/.pypirc ✓", "comment", None),
                                            GLine("; managed by hand", "comment", None)])))
    for name in names:
        glines.append(GLine(draw(st.sampled_from([f"[{name}]", f"[{name}]  ", f"[{name}] ; comment"])), "header", name))
        for key in draw(st.lists(keys, max_size=4, unique_by=str.lower)):
            for _ in range(draw(st.integers(0, 1))):
                glines.append(draw(st.sampled_from([
                    GLine("", "blank", name), GLine("# comment ünïcode", "comment", name),
                    GLine("   ; indented comment", "comment", name)])))
            glines.extend(draw(option_lines(name, key)))
        if draw(st.booleans()):
            glines.append(GLine("", "blank", name))
    endings = [draw(line_endings) if draw(st.integers(0, 5)) == 0 else None for _ in glines]
    default = draw(line_endings)
    parts = []
    for i, (gl, end) in enumerate(zip(glines, endings)):
        last = i == len(glines) - 1
        parts.append(gl.text + ("" if last and draw(st.booleans()) else (end or default)))
    text = "".join(parts)
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text, glines, parts


def expected_roles(glines: list[GLine]) -> tuple[set[int], set[int], set[int]]:
    """(must go, may go, must stay) line indexes, from the generator's own model."""
    entries: dict[tuple[str | None, str], list[int]] = {}
    for i, gl in enumerate(glines):
        if gl.role in ("option", "cont") or (gl.role == "blank" and gl.key):
            entries.setdefault((gl.section, gl.key), []).append(i)
    must_go: set[int] = set()
    token_keys: set[tuple] = set()
    for k, idx in entries.items():
        if any(TOKEN_RE.search(glines[i].text) for i in idx):
            token_keys.add(k)
            must_go.update(idx)
    for i, gl in enumerate(glines):
        if gl.role == "comment" and TOKEN_RE.search(gl.text):
            must_go.add(i)
    may_go: set[int] = set()
    for name in {s for s, _ in token_keys if s}:
        others = {k.lower() for (s, k) in entries if s == name and (s, k) not in token_keys}
        if name != "distutils" and others <= {"username"}:
            for i, gl in enumerate(glines):
                if gl.section != name:
                    continue
                if gl.role == "header" or (gl.role in ("option", "cont") and gl.key and gl.key.lower() == "username"):
                    must_go.add(i)
                elif gl.role == "blank":
                    may_go.add(i)
    # blank lines inside a removed value belong to it
    for k in token_keys:
        idx = entries[k]
        for i in range(idx[0], idx[-1] + 1):
            if glines[i].role == "blank":
                must_go.add(i)
    must_stay = set(range(len(glines))) - must_go - may_go
    return must_go, may_go, must_stay


def twine_parse(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    with open(path, encoding="utf-8-sig") as fh:  # universal newlines, as twine reads it
        parser.read_file(fh)
    return parser


def run_main(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    # fsync is skipped here only for speed: what these examples check is content and modes.
    with redirect_stdout(out), redirect_stderr(err), mock.patch("os.fsync"):
        try:
            code = scrub_pypirc.main(argv)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def check_scrub(text: str, glines: list[GLine], parts: list[str], new: str) -> None:
    """The model's verdict on one scrub: nothing lost, nothing extra, no token, still parses the same."""
    assert not TOKEN_RE.search(new)
    must_go, may_go, must_stay = expected_roles(glines)
    assert new.startswith("\ufeff") == text.startswith("\ufeff")
    kept = split_lines(new.lstrip("\ufeff"))
    ptr = 0
    lost: list[str] = []
    for i, part in enumerate(parts):
        if not part:  # a blank last line without a line ending is no line at all
            continue
        if i in must_stay:
            if ptr < len(kept) and kept[ptr] == part:
                ptr += 1
            else:
                lost.append(part)
        elif i in may_go and ptr < len(kept) and kept[ptr] == part:
            ptr += 1
    assert not lost, f"lines lost: {lost!r}"
    assert ptr == len(kept), f"lines that should have gone: {kept[ptr:]!r}"
    before, after = twine_parse_text(text), twine_parse_text(new)
    for section in after.sections():
        assert before.has_section(section)
        for key, value in after.items(section):
            assert before.get(section, key) == value, (section, key)


def twine_parse_text(text: str) -> configparser.RawConfigParser:
    """Parse as twine does: a file read with universal newlines."""
    parser = configparser.RawConfigParser()
    parser.read_file(io.StringIO(text.lstrip("\ufeff"), newline=None))
    return parser


@given(pypirc_files())
def test_scrub_keeps_every_other_byte(generated):
    text, glines, parts = generated
    note(repr(text))
    pypirc = parse_pypirc(text, Path("/home/u/.pypirc"))
    new, findings, _ = pypirc.scrubbed()
    check_scrub(text, glines, parts, new)
    again = parse_pypirc(new, Path("/home/u/.pypirc"))
    assert again.findings == [] and again.scrubbed()[0] == new  # idempotent
    count(examples=1, inputs=1, bytes_checked=len(text.encode()), bytes_lost=0)


@settings(max_examples=max(20, settings.default.max_examples // 20))
@given(pypirc_files(), st.sampled_from([0o600, 0o644, 0o640]))
def test_scrub_script_end_to_end(generated, file_mode):
    """The script itself on a real file: same result, token never printed, backup redacted and private."""
    text, glines, parts = generated
    note(repr(text))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ".pypirc"
        path.write_bytes(text.encode("utf-8"))
        path.chmod(file_mode)
        code, out, err = run_main(["--pypirc", str(path), "--yes"])
        assert code == 0, err
        assert not TOKEN_RE.search(out + err)
        new = path.read_bytes().decode("utf-8")
        check_scrub(text, glines, parts, new)
        assert stat.S_IMODE(path.stat().st_mode) == file_mode
        bak = path.with_name(".pypirc.bak")
        if new != text:
            assert not TOKEN_RE.search(bak.read_text(encoding="utf-8"))
            assert stat.S_IMODE(bak.stat().st_mode) & 0o077 == 0, oct(bak.stat().st_mode)
        else:
            assert not bak.exists()
        code2, _, err2 = run_main(["--pypirc", str(path), "--yes"])
        assert code2 == 0 and path.read_bytes().decode("utf-8") == new, err2
    count(examples=1, inputs=1, bytes_checked=len(text.encode()), bytes_lost=0)


def test_token_in_a_section_name_is_reported_not_hidden(tmp_path):
    """Where the scrubber cannot remove a token it says so (exit 1) and changes nothing."""
    p = tmp_path / ".pypirc"
    tok = "pypi-AgEIcHlwaS5vcmc" + "x" * 150
    p.write_text(f"[{tok}]\nusername = a\n")
    code, out, err = run_main(["--pypirc", str(p), "--yes"])
    assert p.read_text() == f"[{tok}]\nusername = a\n"
    assert tok not in out + err
    assert code != 0 or "token" in (out + err).lower()
