"""Property tests for release.py's edits: the version bump (tomlkit) and the changelog move.

- pyproject.toml: only the version line changes (comments, quoting, order,
  other tables, line endings kept), the result parses with the new version and
  every other value equal; bumping again to the same version changes nothing.
- CHANGELOG.md: the Unreleased entries land under `## [VERSION] - DATE`, an empty
  Unreleased heading stays, every older section is kept byte for byte, no line of
  the file is lost; releasing the same version again changes nothing.
"""

from __future__ import annotations

import tomllib
from collections import Counter

from hypothesis import given, note, settings
from hypothesis import strategies as st

from trustpub.commands.release import set_pyproject_version
from tally import count
from trustpub.changelog import release_changelog

EXAMPLES = max(30, settings.default.max_examples // 4)
text_line = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="[]#\\\"'`\u2028\u2029\x85"),
                    min_size=1, max_size=30).map(str.strip).filter(bool)
versions = st.sampled_from(["1.0.0", "2.3.4", "1.0.0rc1", "10.0.0.post1", "0.1.0.dev3", "2!1.0"])


@st.composite
def pyprojects(draw) -> tuple[str, str]:
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    parts = []
    if draw(st.booleans()):
        parts.append(f"# {draw(text_line)}")
    if draw(st.booleans()):
        parts += ["[build-system]", 'requires = ["hatchling>=1.24"]  # backend', 'build-backend = "hatchling.build"', ""]
    parts.append("[project]")
    parts.append("name = " + draw(st.sampled_from(['"widget"', "'widget'"])))
    old = draw(versions)
    quote = draw(st.sampled_from(['"', "'"]))
    parts.append(f"version = {quote}{old}{quote}{draw(st.sampled_from(['', '  # bumped by release.py', ' #x']))}")
    if draw(st.booleans()):
        parts.append(f'description = "{draw(text_line)}"')
    if draw(st.booleans()):
        parts += ["dependencies = [", '    "httpx>=0.27",  # the client', '    "packaging",', "]"]
    if draw(st.booleans()):
        parts += ["", "# tools", "[tool.ruff]", "line-length = 110", "", "[tool.ruff.lint]", 'select = ["E", "F"]']
    text = nl.join(parts) + (nl if draw(st.booleans()) else "")
    return text, draw(versions)


@settings(max_examples=EXAMPLES)
@given(pyprojects())
def test_version_bump_changes_only_the_version(generated):
    text, version = generated
    note(repr(text))
    new = set_pyproject_version(text, version, "[project].version")
    before, after = tomllib.loads(text), tomllib.loads(new)
    assert after["project"]["version"] == version
    after["project"]["version"] = before["project"]["version"]
    assert before == after
    old_lines, new_lines = text.splitlines(keepends=True), new.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    assert len(changed) <= 1
    for a, b in changed:
        assert a.startswith("version") and b.startswith("version")
        assert a.split("#", 1)[1:] == b.split("#", 1)[1:], "the comment on the version line is kept"
        assert a.endswith("\r\n") == b.endswith("\r\n")
    assert set_pyproject_version(new, version, "[project].version") == new
    count(examples=1, inputs=1, bytes_checked=len(text.encode()), bytes_lost=0)


@st.composite
def changelogs(draw) -> tuple[str, list[str], str]:
    """(text, the Unreleased entry lines, the older part that must stay verbatim)."""
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["# Changelog", ""]
    if draw(st.booleans()):
        lines += [f"All notable changes. {draw(text_line)}", ""]
    lines += ["## [Unreleased]", ""]
    entries: list[str] = []
    for sub in draw(st.lists(st.sampled_from(["Added", "Fixed", "Changed"]), max_size=2, unique=True)) or [None]:
        if sub:
            entries += [f"### {sub}", ""]
        entries += [f"- {draw(text_line)}" for _ in range(draw(st.integers(1, 3)))]
        entries.append("")
    lines += entries
    older: list[str] = []
    for v in draw(st.lists(st.sampled_from(["0.9.0", "0.8.1", "0.1.0"]), max_size=3, unique=True)):
        older += [f"## [{v}] - 2025-0{draw(st.integers(1, 9))}-1{draw(st.integers(0, 9))}", "",
                  f"- {draw(text_line)}", ""]
    lines += older
    links = draw(st.booleans()) and older
    if links:
        lines += ["[Unreleased]: https://github.com/acme/widget/compare/v0.9.0...HEAD",
                  "[0.9.0]: https://github.com/acme/widget/releases/tag/v0.9.0"]
    text = nl.join(lines) + nl
    return text, [e for e in entries if e], nl.join(older)


@settings(max_examples=EXAMPLES)
@given(changelogs(), st.sampled_from(["1.0.0", "1.0.0rc1", "2.0.0"]))
def test_changelog_move_keeps_the_rest(generated, version):
    text, entries, older = generated
    note(repr(text))
    update = release_changelog(text, version, "2026-11-25", f"v{version}")
    new = update.text
    heading = f"## [{version}] - 2026-11-25"
    assert heading in new
    assert "## [Unreleased]" in new
    assert new.index("## [Unreleased]") < new.index(heading)
    section = new[new.index(heading):]
    for e in entries:
        assert e in section, f"entry {e!r} not in the new section"
    if older:
        assert older in new, "older sections must be kept byte for byte"
    assert ("\r\n" in new) == ("\r\n" in text)
    # No line lost: every old line is still there, except link definitions it may rewrite.
    lost = Counter(ln for ln in text.splitlines() if not ln.startswith("[")) - Counter(new.splitlines())
    assert not lost, f"lines lost: {list(lost)}"
    assert release_changelog(new, version, "2026-11-25", f"v{version}").text == new
    count(examples=1, inputs=1, bytes_checked=len(text.encode()), bytes_lost=0)
