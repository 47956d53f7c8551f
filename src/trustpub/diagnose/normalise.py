"""A pasted log as a reader sees it, before any pattern is matched.

Real pastes come as GitHub Actions logs (timestamps, `##[error]`, `::error::`
annotations with `%0A` newlines, ANSI colours), as Markdown quotes (`> `) or
list items, with link markup GitHub adds when a log is copied, and with twine's
output wrapped by rich at 80 columns. `normalise_log` removes the decoration
line by line (the claims are read from its lines); `flatten` joins the lines
into one, with every run of whitespace a single space, so that a message wrapped
anywhere still matches a pattern written with single spaces.
"""

from __future__ import annotations

import html
import re

_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\[(?:\d{1,3}(?:;\d{1,3})*)m")
# 2024-05-01T12:00:00.1234567Z (downloaded logs), with an optional BOM.
_TIMESTAMP_RE = re.compile(r"^\ufeff?\s*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?")
# `16:50:52 ERROR …` style clock prefixes of other CI systems.
_CLOCK_RE = re.compile(r"^\d\d:\d\d:\d\d(?:\.\d+)? (?=[A-Z])")
_ANNOTATION_RE = re.compile(r"^\s*(?:##\[(?:error|warning|notice|debug|group|endgroup)\]"
                            r"|::(?:error|warning|notice|debug|group|endgroup)[^:]*::)")
_QUOTE_RE = re.compile(r"^\s*(?:>\s?)+")
_FENCE_RE = re.compile(r"^\s*(?:```|~~~)[\w-]*\s*$")
# [text](url) and <url> as GitHub renders links in a copied log or comment.
_MD_LINK_RE = re.compile(r"\[([^\]\n]{1,300})\]\((?:https?://|mailto:)[^)\s]{1,500}\)")
_ANGLE_URL_RE = re.compile(r"<(https?://[^>\s]{1,500})>")
_LIST_MARKER_RE = re.compile(r"^\s*(?:[-+]|\d{1,3}[.)])\s+(?!`[a-z_]+`\s*:)")
_WS_RE = re.compile(r"\s+")


def _clean_line(line: str) -> str:
    line = _TIMESTAMP_RE.sub("", line)
    line = _QUOTE_RE.sub("", line)
    line = _TIMESTAMP_RE.sub("", line)  # a quoted log line: `> 2024-…Z text`
    line = _CLOCK_RE.sub("", line)
    line = _ANNOTATION_RE.sub("", line)
    if _FENCE_RE.match(line):
        return ""
    # `- error: …` (a list item) but not the action's claim bullets (`* \`sub\`: …`), read by the claims parser.
    return _LIST_MARKER_RE.sub("", line)


def normalise_log(text: str) -> str:
    """The log without timestamps, colours, annotations, quote markers, fences and link markup."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ANSI_RE.sub("", text)
    # `::error::` lines carry newlines as %0A (and % as %25); decode them like the runner does.
    if "%0A" in text or "%0D" in text:
        text = text.replace("%0D", "").replace("%0A", "\n").replace("%25", "%")
    if "&#" in text or "&quot;" in text or "&gt;" in text or "&lt;" in text or "&amp;" in text:
        text = html.unescape(text)
    text = _MD_LINK_RE.sub(r"\1", text)
    text = _ANGLE_URL_RE.sub(r"\1", text)
    return "\n".join(_clean_line(line) for line in text.split("\n"))


def flatten(log: str) -> str:
    """The normalised log as one line: whitespace runs (line wraps included) become one space."""
    return _WS_RE.sub(" ", log).strip()


def where_from(raw: str, log: str) -> str | None:
    """"ci" for a CI job's log, "local" for a maintainer's own terminal, None when the paste does not say.

    A paste with no clue is treated like CI by the advice (most pastes come from failed jobs).
    """
    if _CI_RE.search(raw) or _CI_RE.search(log) or _TIMESTAMP_ANYWHERE_RE.search(raw):
        return "ci"
    if _LOCAL_RE.search(log):
        return "local"
    return None


_CI_RE = re.compile(r"Run pypa/gh-action-pypi-publish|Trusted publishing exchange failure|Attestation generation failure|gh-action-pypi-publish[@:]|/home/runner/|/github/workspace"
                    r"|Error: Process completed with exit code|GITHUB_(?:ACTIONS|WORKSPACE|REPOSITORY|OUTPUT)"
                    r"|ACTIONS_ID_TOKEN_REQUEST|##\[|^Run \S|::(?:error|warning|notice)::", re.MULTILINE)
_TIMESTAMP_ANYWHERE_RE = re.compile(r"^\ufeff?(?:>\s?)*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z", re.MULTILINE)
# A shell prompt running an upload, a .pypirc, a home directory of a desktop system.
_LOCAL_RE = re.compile(r"^\s*(?:\(\S+\)\s*)?(?:[\w.@-]+[:~][^\n$]*)?[$%>] (?:python3? -m )?(?:twine|uv|hatch|pdm|poetry|flit)\b"
                       r"|\.pypirc|Using configuration from|C:\\Users\\|/Users/(?!runner/)\w+|^PS [A-Z]:\\"
                       # twine's and uv's prompts: a job has no terminal to type into.
                       r"|^\s*Enter your (?:username|password|API token):|^\s*Enter (?:username \('__token__'|password:)",
                       re.MULTILINE)
