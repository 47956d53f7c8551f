"""Which index a log uploads to, from every clue it holds, or None when it holds none.

Strong clues name the upload target: the action's `repository-url`, twine's
`Uploading distributions to`, uv's `Publishing N files to`, an `HTTPError … from`
line, `--repository testpypi`. Weaker ones: the index's own help links in its error
messages (`https://test.pypi.org/help/#…`), a project page, the token's audience.
Links to PyPI's documentation (docs.pypi.org) say nothing about the index.
When the log names both indexes as upload targets (a TestPyPI and a PyPI upload in
one job), the target last named before the error is the one that failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trustpub.config import index_host

_TEST_HOST = re.escape(index_host("testpypi"))
_URL = r"https?://(?P<host>[A-Za-z0-9.-]+)(?::\d+)?/[^\s'\"`)]*"
_STRONG = [re.compile(p, re.IGNORECASE) for p in (
    r"repository[-_]url\s*[:=]\s*['\"]?" + _URL,
    r"TWINE_REPOSITORY_URL\s*[:=]\s*['\"]?" + _URL,
    r"--(?:repository-url|publish-url)[= ]['\"]?" + _URL,
    r"UV_PUBLISH_URL\s*[:=]\s*['\"]?" + _URL,
    r"Uploading distributions to " + _URL,
    r"Publishing \d+ files? (?:to )?" + _URL,
    r"Checking \d+ files? against " + _URL,
    r"HTTPError: \d{3} [A-Za-z -]+ from " + _URL,
    # twine 1.x (requests' wording): `HTTPError: 400 Client Error: <reason> for url: <url>`.
    # (The 410 of the retired hosts has a 400-character reason; pastes may drop the `HTTPError: `.)
    r"\b\d{3} (?:Client|Server) Error: .{0,800}? for url: " + _URL,
    r"Failed to publish \S+ to " + _URL,
    r"Missing credentials for " + _URL,
    r"audience retrieval failed: repository at (?P<host>[A-Za-z0-9.-]+)",
)]
# poetry names the repository: `Publishing widget (1.2.0) to PyPI` (the default) or `… to testpypi`.
_REPOSITORY_NAME_RE = re.compile(r"(?:--repository|-r)[= ](?P<name>testpypi|pypi)\b|--index[= ](?P<uvname>testpypi)\b"
                                 r"|Publishing \S+ \([^)\s]+\) to (?P<poetry>testpypi|pypi)\b", re.IGNORECASE)
# The index's own refusals link its help page on its own host (`https://test.pypi.org/help/#…`): that
# names the index that refused, even when the prose also links the other index's project page.
_HELP_LINK = re.compile(r"(?:https?://)?(?<![\w.-])(?P<host>" + _TEST_HOST + r"|pypi\.org)/help/", re.IGNORECASE)
_WEAK = [
    (re.compile(r"(?:https?://)?\b" + _TEST_HOST + r"\b[^\s'\"`)]*", re.IGNORECASE), "testpypi"),
    (re.compile(r"(?:https?://)?(?<![\w.-])(?:upload\.)?pypi\.org/(?:help|legacy|project|manage|p/|simple|_/oidc)"
                r"[^\s'\"`)]*", re.IGNORECASE), "pypi"),
    (re.compile(r"`aud`\s*:\s*`testpypi`|\baud:\s*\"testpypi\"", re.IGNORECASE), "testpypi"),
    (re.compile(r"`aud`\s*:\s*`pypi`|\baud:\s*\"pypi\"", re.IGNORECASE), "pypi"),
]


@dataclass(frozen=True)
class IndexGuess:
    index: str | None      # "pypi" | "testpypi" | None
    evidence: str | None   # the text that says so
    strong: bool = False


def _index_of_host(host: str) -> str | None:
    host = host.lower()
    # testpypi.python.org, pypi.python.org, (upload.)pypi.io: the indexes' hosts before 2018.
    if host == index_host("testpypi") or host.endswith("." + index_host("testpypi")) or host == "testpypi.python.org":
        return "testpypi"
    if host in ("upload.pypi.org", "pypi.org", "www.pypi.org", "pypi.python.org", "upload.pypi.io", "pypi.io"):
        return "pypi"
    return None


def _line_at(text: str, pos: int, end: int) -> str:
    """The clue itself (the log may be flattened to one line)."""
    return " ".join(text[pos:end].split())[:160]


def infer_index(log: str, error_at: int | None = None) -> IndexGuess:
    """The index of the upload that failed. `error_at`: where in `log` the error was recognised."""
    targets: list[tuple[int, str, str]] = []
    for rx in _STRONG:
        for m in rx.finditer(log):
            index = _index_of_host(m.group("host"))
            if index:
                targets.append((m.start(), index, _line_at(log, m.start(), m.end())))
    for m in _REPOSITORY_NAME_RE.finditer(log):
        name = m.group("name") or m.group("uvname") or m.group("poetry")
        targets.append((m.start(), name.lower(), _line_at(log, m.start(), m.end())))
    if targets:
        targets.sort()
        before = [t for t in targets if error_at is None or t[0] <= error_at]
        pos, index, line = (before or targets)[-1 if before else 0]
        return IndexGuess(index, line, strong=True)
    help_links = {_index_of_host(m.group("host")): m for m in _HELP_LINK.finditer(log)}
    if len(help_links) == 1:
        (index, m), = help_links.items()
        return IndexGuess(index, _line_at(log, m.start(), m.end()))
    for rx, index in _WEAK:
        m = rx.search(log)
        if m:
            return IndexGuess(index, _line_at(log, m.start(), m.end()))
    return IndexGuess(None, None)


def index_from_log(text: str) -> tuple[str | None, str | None]:
    """('testpypi'|'pypi'|None, the line that says so)."""
    guess = infer_index(text)
    return guess.index, guess.evidence
