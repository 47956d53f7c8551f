"""diagnose reads each case's text however it was pasted: wrapped, quoted, listed, coloured, stamped, annotated.

Every example of the table is decorated the ways real pastes are and must still be recognised as its case:
wrapped by rich at 60 and 80 columns (twine in CI), runs of spaces, a Markdown quote (`> `), a list item,
ANSI colours, GitHub's timestamps, `##[error]` prefixes and the link markup GitHub adds to copied logs.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from trustpub.diagnose import MESSAGES, diagnose, flatten, normalise_log

RICH_INDENT = " " * 9


def rich_wrap(text: str, width: int) -> str:
    """Each line wrapped like rich wraps twine's messages: at spaces, continuation indented, lines padded."""
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        pieces = textwrap.wrap(line, width, subsequent_indent=RICH_INDENT, break_long_words=False,
                               break_on_hyphens=False, drop_whitespace=True)
        out.extend(p.ljust(width) for p in pieces)
    return "\n".join(out)


def stamped(text: str) -> str:
    return "\n".join(f"2026-05-01T10:00:{i % 60:02d}.1234567Z {line}" for i, line in enumerate(text.split("\n")))


def quoted(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.split("\n"))


def listed(text: str) -> str:
    first, *rest = text.split("\n")
    return "\n".join(["- " + first, *("  " + line for line in rest)])


def coloured(text: str) -> str:
    return "\x1b[31m" + text.replace("ERROR", "\x1b[1;31mERROR\x1b[0m") + "\x1b[0m"


def annotated(text: str) -> str:
    return "##[error]" + text


def spaced(text: str) -> str:
    return text.replace(" ", "   ")


def linked(text: str) -> str:
    """GitHub turns URLs in a copied log into links: `[https://…](https://…)`."""
    import re

    return re.sub(r"(https://[^\s'`)]+)", r"[\1](\1)", text)


DECORATIONS = {
    "wrap60": lambda t: rich_wrap(t, 60),
    "wrap80": lambda t: rich_wrap(t, 80),
    "quote-wrap80": lambda t: quoted(rich_wrap(t, 80)),
    "quote-fence": lambda t: quoted("```\n" + t + "\n```"),
    "list": listed,
    "ansi": coloured,
    "stamped-wrap60": lambda t: stamped(rich_wrap(t, 60)),
    "annotation": annotated,
    "spaces": spaced,
    "links": linked,
}


def recognised_as(message, text: str) -> bool:
    result = diagnose(text)
    if message not in result.matches:
        return False
    if message.generic:
        return message in result.shown or any(not m.generic for m in result.matches)
    return result.shown[0] is message or message in result.shown


@pytest.mark.parametrize("decoration", sorted(DECORATIONS))
@pytest.mark.parametrize("message", MESSAGES, ids=[m.id for m in MESSAGES])
def test_each_case_survives_the_paste(message, decoration):
    text = DECORATIONS[decoration](message.example)
    assert recognised_as(message, text), (decoration, [m.id for m in diagnose(text).matches], text)


@pytest.mark.parametrize("width", [60, 80])
def test_wrapping_really_splits_the_long_messages(width):
    # The decoration does what it says: most examples span more lines once wrapped.
    split = [m for m in MESSAGES if rich_wrap(m.example, width).count("\n") > m.example.count("\n")]
    assert len(split) >= len(MESSAGES) // 2


def test_normalise_removes_decoration_and_keeps_text():
    raw = ("2026-05-01T10:00:00.1234567Z ##[error]\x1b[31mERROR\x1b[0m    HTTPError: 400 Bad Request from "
           "[https://upload.pypi.org/legacy/](https://upload.pypi.org/legacy/)\n"
           "> - `repository_owner_id`: `[12](https://github.com/o/r/actions/runs/1/job/2#step:4:13)176396`\n"
           "can&#39;t open file")
    lines = normalise_log(raw).split("\n")
    assert lines[0] == "ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/"
    assert lines[1] == "- `repository_owner_id`: `12176396`"  # a claim bullet stays for the claims parser
    assert lines[2] == "can't open file"
    assert flatten("Name,     \n         Version.") == "Name, Version."


def test_claims_survive_quotes_and_step_links():
    text = quoted("* `sub`: `repo:o/r:environment:pypi`\n* `repository`: `o/r`\n"
                  "* `repository_owner_id`: `[12](https://github.com/o/r/actions/runs/1/job/2#step:4:13)34`\n"
                  "* `job_workflow_ref`: `o/r/.github/workflows/publish.yml@refs/tags/v1`\n* `environment`: `pypi`")
    result = diagnose("Error: Trusted publishing exchange failure:\n" + text)
    assert result.claims["repository_owner_id"] == "1234"
    assert (result.publisher.owner, result.publisher.workflow, result.publisher.environment) == \
        ("o", "publish.yml", "pypi")


def test_diagnose_imports_only_the_standard_library():
    # The in-page diagnosis runs this package under Pyodide: nothing beyond the standard library and
    # trustpub.config/errors/secrets may be imported with it.
    code = ("import sys; before = set(sys.modules); import trustpub.diagnose; "
            "new = {m.split('.')[0] for m in set(sys.modules) - before}; "
            "tp = {m for m in set(sys.modules) - before if m.startswith('trustpub')}; "
            "print(sorted(new - set(sys.stdlib_module_names) - {'trustpub'})); print(sorted(tp))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    third_party, ours = res.stdout.splitlines()
    assert third_party == "[]"
    allowed = {"trustpub", "trustpub.config", "trustpub.errors", "trustpub.secrets"}
    assert {m for m in eval(ours) if not m.startswith("trustpub.diagnose")} <= allowed
