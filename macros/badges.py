"""Live PyPI badges: latest version, supported Pythons and latest release date, as inline SVG.

One build makes at most one request per project (all projects concurrently, under
one total time budget) to the index's JSON API, `<index>/pypi/<project>/json`.
Answers are cached on disk with their ETag/Last-Modified: while an entry is
younger than the TTL no request is made at all, and after that the request is
conditional, so a `304 Not Modified` reuses the cached body. Whatever goes wrong
(offline, slow, 404, 5xx, malformed JSON) the build goes on and the badge says
"unavailable", with the reason in its tooltip and once in the build log.

Everything here is plain Python that tests call without MkDocs.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from packaging.version import InvalidVersion, Version

from trustpub.config import Subject
from trustpub.errors import BadInput
from trustpub.secrets import redact_url_passwords

if TYPE_CHECKING:  # httpx is imported when a request is made, not by every (offline) build
    import httpx

    from trustpub.pypi import Fetched

# Forces offline mode: no request at all, badges say "offline".
OFFLINE_ENV = "TP_OFFLINE"
# Where the site's build caches live (default: .cache/ under the project root, gitignored);
# the PyPI answers go in its tp-badges/ folder.
CACHE_DIR_ENV = "TP_CACHE_DIR"
CACHE_SUBDIR = "tp-badges"

# INFO, not WARNING: `mkdocs build --strict` turns warnings into a failed build,
# and an unreachable PyPI must never fail the build.
log = logging.getLogger("mkdocs.plugins.tp.badges")

MSG_UNAVAILABLE_LOG = "PyPI badges for %s: data unavailable (%s); badges say so"
MSG_FETCHED_LOG = "PyPI badges: %d project(s), %d from cache, in %.2fs (budget %gs)"
MSG_OFFLINE_LOG = "PyPI badges: offline mode (%s=1), no request made"
MSG_BAD_SETTING = "{source}: extra.tp.badges.{key} = {value!r} is not valid; expected {what}"
MSG_UNKNOWN_SETTING = "{source}: extra.tp.badges.{key} is not a known setting; known: {known}"

UNAVAILABLE = "unavailable"
OFFLINE = "offline"


@dataclass(frozen=True)
class BadgeSettings:
    budget: float = 2.0      # seconds for all badge requests of one build
    timeout: float = 2.0     # seconds for one request
    cache_ttl: float = 3600  # seconds a cached answer is used without asking again

    @classmethod
    def from_mapping(cls, values: object, source: str = "mkdocs.yml") -> "BadgeSettings":
        """Validate `extra.tp.badges`; a bad value fails with a one-line message naming the key."""
        if values is None:
            return cls()
        if not isinstance(values, dict):
            raise BadInput(f"{source}: extra.tp.badges must be a mapping, not {type(values).__name__}")
        known = {"budget": "seconds > 0", "timeout": "seconds > 0", "cache_ttl": "seconds >= 0"}
        kwargs: dict[str, float] = {}
        for key, value in values.items():
            if key not in known:
                raise BadInput(MSG_UNKNOWN_SETTING.format(source=source, key=key, known=", ".join(known)))
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if ok:
                ok = value >= 0 if key == "cache_ttl" else value > 0
            if not ok:
                raise BadInput(MSG_BAD_SETTING.format(source=source, key=key, value=value, what=known[key]))
            kwargs[key] = float(value)
        return cls(**kwargs)


@dataclass
class ProjectInfo:
    """What the badges show for one project, or why they can't."""

    project: str
    index_name: str
    state: str = "ok"                 # "ok", "unavailable" or "offline"
    reason: str | None = None         # one line, when not ok
    version: str | None = None
    python: str | None = None         # e.g. "3.11 | 3.12 | 3.13" or ">=3.11"
    released: str | None = None       # YYYY-MM-DD of the latest version's first upload
    from_cache: bool = False
    cached_on: str | None = None      # YYYY-MM-DD of a cached answer shown because PyPI did not answer

    @property
    def ok(self) -> bool:
        return self.state == "ok"


# -- parsing PyPI's JSON -------------------------------------------------

_PY_CLASSIFIER = re.compile(r"^Programming Language :: Python :: (\d+\.\d+)$")


def python_versions(info: dict[str, Any]) -> str | None:
    """Supported Pythons from the trove classifiers, else `requires_python`."""
    found = set()
    classifiers = info.get("classifiers")
    for c in classifiers if isinstance(classifiers, list) else []:
        m = _PY_CLASSIFIER.match(c) if isinstance(c, str) else None
        if m:
            found.add(m.group(1))
    if found:
        return " | ".join(sorted(found, key=Version))
    requires = info.get("requires_python")
    if isinstance(requires, str) and requires.strip():
        return requires.strip()
    return None


def _release_date(data: dict[str, Any], version: str) -> str | None:
    files = data.get("urls")
    if not isinstance(files, list) or not files:
        releases = data.get("releases")
        files = releases.get(version) if isinstance(releases, dict) else None
    times = []
    for f in files if isinstance(files, list) else []:
        stamp = f.get("upload_time_iso_8601") or f.get("upload_time") if isinstance(f, dict) else None
        if isinstance(stamp, str):
            try:
                times.append(datetime.fromisoformat(stamp.replace("Z", "+00:00")))
            except ValueError:
                continue
    return min(times).date().isoformat() if times else None


def parse_project_json(data: Any, project: str, index_name: str) -> ProjectInfo:
    """A `ProjectInfo` from `/pypi/<project>/json`; an unexpected shape is 'unavailable'."""
    info = data.get("info") if isinstance(data, dict) else None
    version = info.get("version") if isinstance(info, dict) else None
    if not isinstance(version, str) or not version:
        return ProjectInfo(project, index_name, state=UNAVAILABLE, reason="unexpected JSON (no info.version)")
    try:
        Version(version)
    except InvalidVersion:
        return ProjectInfo(project, index_name, state=UNAVAILABLE, reason=f"unexpected JSON (version {version!r})")
    try:
        return ProjectInfo(project, index_name, version=version, python=python_versions(info),
                           released=_release_date(data, version))
    except (TypeError, ValueError, AttributeError) as exc:  # any other odd shape: say so, never crash the build
        return ProjectInfo(project, index_name, state=UNAVAILABLE, reason=f"unexpected JSON ({type(exc).__name__})")


# -- the disk cache --------------------------------------------------------

@dataclass
class CacheEntry:
    url: str
    stored_at: float
    data: Any
    etag: str | None = None
    last_modified: str | None = None


class BadgeCache:
    """One JSON file per URL; written atomically, so parallel builds can share it."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _path(self, url: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".json")

    def get(self, url: str) -> CacheEntry | None:
        try:
            raw = json.loads(self._path(url).read_text(encoding="utf-8"))
            if raw.get("url") != url:
                return None
            return CacheEntry(url, float(raw["stored_at"]), raw["data"], raw.get("etag"), raw.get("last_modified"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing or damaged: as if never cached

    def put(self, entry: CacheEntry) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry.__dict__, fh)
            os.replace(tmp, self._path(entry.url))
        except OSError as exc:  # a read-only checkout still builds, just without caching
            log.info("PyPI badges: cannot write cache in %s (%s)", self.folder, exc.strerror)


def cache_root(root: Path) -> Path:
    override = os.environ.get(CACHE_DIR_ENV)
    return Path(override) if override else Path(root) / ".cache"


def default_cache_dir(root: Path) -> Path:
    return cache_root(root) / CACHE_SUBDIR


def offline_requested(env: dict[str, str] | None = None) -> bool:
    value = (env if env is not None else os.environ).get(OFFLINE_ENV, "")
    return value.strip().lower() not in ("", "0", "false", "no")


# -- fetching --------------------------------------------------------------

def fetch_projects(subjects: Iterable[Subject], settings: BadgeSettings, cache: BadgeCache | None, *,
                   offline: bool = False, transport: "httpx.AsyncBaseTransport | None" = None,
                   now: float | None = None, budget_left: float | None = None) -> list[ProjectInfo]:
    """Badge data for each subject: fresh cache, else one conditional request each, all concurrent.

    `budget_left`: what is left of `settings.budget` when the budget began earlier (a fetch
    process started by a build counts from the moment the build asked for it)."""
    started = time.monotonic()
    subjects = list(subjects)
    now = time.time() if now is None else now
    if offline:
        return [ProjectInfo(s.project, s.index_name, state=OFFLINE,
                            reason=f"offline mode ({OFFLINE_ENV} is set)") for s in subjects]
    results: dict[int, ProjectInfo] = {}
    to_fetch: list[tuple[int, Subject, CacheEntry | None]] = []
    for i, s in enumerate(subjects):
        entry = cache.get(s.json_url) if cache else None
        if entry is not None and now - entry.stored_at < settings.cache_ttl:
            results[i] = _from_cache(entry, s)
        else:
            to_fetch.append((i, s, entry))
    if to_fetch:
        urls = [s.json_url for _, s, _ in to_fetch]
        headers = {}
        for _, s, entry in to_fetch:
            conditional = {}
            if entry and entry.etag:
                conditional["If-None-Match"] = entry.etag
            if entry and entry.last_modified:
                conditional["If-Modified-Since"] = entry.last_modified
            if conditional:
                headers[s.json_url] = conditional
        from trustpub.pypi import fetch_all_sync  # (importing httpx counts against the budget too)

        budget = settings.budget if budget_left is None else budget_left
        if all(entry is not None for _, _, entry in to_fetch):
            budget = min(budget, STALE_WAIT)
        budget = max(0.05, budget - (time.monotonic() - started))
        answers = fetch_all_sync(urls, timeout=settings.timeout, budget=budget,
                                 transport=transport, headers=headers)
        for (i, s, entry), got in zip(to_fetch, answers):
            if got.error and got.error.endswith("s budget"):  # name the configured budget, not what was left of it
                got.error = f"no answer within the {settings.budget:g}s budget"
            results[i] = _from_answer(got, entry, s, cache, now)
            if results[i].reason:  # the reason reaches the build log and the badge's tooltip on the site
                results[i].reason = redact_url_passwords(results[i].reason)
    return [results[i] for i in range(len(subjects))]


# -- fetching in a separate process ------------------------------------------
#
# A build asks PyPI from a child Python process: the request (and importing httpx) then runs
# on another CPU instead of taking turns with page rendering for this process's GIL.

FETCH_MARGIN = 1.0  # seconds a build waits past the budget for the process to report
# When every project has a cached answer (older than its TTL), a build asks PyPI again but waits this
# long at most, and shows the cached answer with its date when PyPI has not answered by then; only a
# build with nothing cached waits up to the budget.
STALE_WAIT = 0.3
MSG_STALE_LOG = "PyPI badges for %s: %s"
MSG_WAITED_LOG = "PyPI badges: the build waited %.2fs for PyPI after rendering"
# The request travels in the environment, not on the command line: an index URL may carry
# credentials, and a process's environment is readable by its user only.
REQUEST_ENV = "TP_BADGE_FETCH_REQUEST"
MSG_CHILD_FAILED = "the fetch process failed ({why})"
MSG_CHILD_LATE = "the fetch did not finish"
MSG_NO_CHILD_LOG = "PyPI badges: cannot start a fetch process (%s); fetching in this one"


def fetch_request(subjects: Iterable[Subject], settings: BadgeSettings, cache: BadgeCache | None,
                  deadline: float) -> str:
    """What the fetch process is given: the subjects, settings, cache folder and deadline (epoch)."""
    return json.dumps({"subjects": [asdict(s) for s in subjects], "settings": asdict(settings),
                       "cache": str(cache.folder) if cache else None, "deadline": deadline,
                       "started": time.time()})


def serve_fetch_request(text: str) -> str:
    """The fetch process's work: a request (see `fetch_request`) in; out, the `ProjectInfo`s as JSON
    and the seconds from the build's asking (the budget's start) to the answers."""
    req = json.loads(text)
    subjects = [Subject(**s) for s in req["subjects"]]
    settings = BadgeSettings(**req["settings"])
    cache = BadgeCache(Path(req["cache"])) if req["cache"] else None
    deadline = float(req["deadline"])
    infos = fetch_projects(subjects, settings, cache, budget_left=deadline - time.time())
    seconds = time.time() - float(req.get("started", deadline - settings.budget))
    return json.dumps({"infos": [asdict(i) for i in infos], "seconds": round(seconds, 3)})


def start_fetch_process(subjects: list[Subject], settings: BadgeSettings, cache: BadgeCache | None,
                        deadline: float) -> subprocess.Popen:
    """Start the fetch process (raises OSError when the system cannot start one)."""
    here = Path(__file__).resolve().parent
    env = {**os.environ, REQUEST_ENV: fetch_request(subjects, settings, cache, deadline),
           "PYTHONPATH": os.pathsep.join([str(here.parent / "src"),
                                          *filter(None, [os.environ.get("PYTHONPATH")])])}
    # -P: the script's folder (macros/) is not put on sys.path, so site.py there shadows nothing.
    return subprocess.Popen([sys.executable, "-P", str(here / "badges.py")], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)


def collect_fetch_process(proc: subprocess.Popen, subjects: list[Subject],
                          deadline: float, margin: float = FETCH_MARGIN) -> tuple[list[ProjectInfo], float | None]:
    """The process's answer and how long the fetch took, waiting until the deadline (plus a margin)
    at most; never raises (a failure makes every badge unavailable, saying why)."""
    def all_unavailable(reason: str) -> tuple[list[ProjectInfo], None]:
        return [ProjectInfo(s.project, s.index_name, state=UNAVAILABLE, reason=reason) for s in subjects], None

    try:
        out, err = proc.communicate(timeout=max(0.0, deadline - time.time()) + margin)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return all_unavailable(MSG_CHILD_LATE)
    last = (err.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
    if proc.returncode != 0:
        return all_unavailable(MSG_CHILD_FAILED.format(why=last))
    try:
        answer = json.loads(out)
        infos = [ProjectInfo(**i) for i in answer["infos"]]
        seconds = float(answer["seconds"])
    except (ValueError, TypeError, KeyError):
        return all_unavailable(MSG_CHILD_FAILED.format(why="unreadable answer"))
    if [(i.project, i.index_name) for i in infos] != [(s.project, s.index_name) for s in subjects]:
        return all_unavailable(MSG_CHILD_FAILED.format(why="answer for other projects"))
    return infos, seconds


def _from_cache(entry: CacheEntry, s: Subject) -> ProjectInfo:
    info = parse_project_json(entry.data, s.project, s.index_name)
    info.from_cache = True
    return info


def stale_fallback(info: ProjectInfo, entry: CacheEntry | None, s: Subject) -> ProjectInfo:
    """The cached answer, dated, in place of an unavailable one (PyPI did not answer in time)."""
    if info.state != UNAVAILABLE or entry is None:
        return info
    cached = _from_cache(entry, s)
    if not cached.ok:
        return info
    cached.cached_on = datetime.fromtimestamp(entry.stored_at, tz=timezone.utc).date().isoformat()
    cached.reason = f"{info.reason}; showing the answer cached on {cached.cached_on}"
    return cached


def _from_answer(got: "Fetched", entry: CacheEntry | None, s: Subject, cache: BadgeCache | None,
                 now: float) -> ProjectInfo:
    if got.not_modified:
        if entry is None:
            return ProjectInfo(s.project, s.index_name, state=UNAVAILABLE,
                               reason="304 Not Modified without a cached answer")
        entry.stored_at = now  # still current: fresh for another TTL
        entry.etag = got.etag or entry.etag
        entry.last_modified = got.last_modified or entry.last_modified
        if cache:
            cache.put(entry)
        return _from_cache(entry, s)
    if not got.ok:
        return stale_fallback(ProjectInfo(s.project, s.index_name, state=UNAVAILABLE,
                                          reason=f"{s.json_url}: {got.error}"), entry, s)
    info = parse_project_json(got.data, s.project, s.index_name)
    if info.ok and cache:
        cache.put(CacheEntry(s.json_url, now, got.data, got.etag, got.last_modified))
    elif not info.ok:
        info.reason = f"{s.json_url}: {info.reason}"
    return info


# -- rendering ---------------------------------------------------------------

# Colours as shields.io uses them.
COLOR_LABEL = "#555"
COLOR_OK = "#007ec6"
COLOR_PYTHON = "#3776ab"
COLOR_DATE = "#4c1"
COLOR_MISSING = "#9f9f9f"


BADGE_HEIGHT = 20
TEXT_PADDING = 6  # px either side of a text, inside its half of the badge


def render_badge(label: str, value: str, color: str = COLOR_OK, title: str | None = None) -> str:
    """A self-contained shields-like SVG `label | value` (no external request).

    Each half is as wide as its text (macros.badge_text) plus padding; `textLength` makes the text
    exactly that wide in whatever font the reader's system draws it with, so it never runs over its box.
    """
    # Imported here: the fetch process runs this file as a script, without the macros package.
    from macros.badge_text import FONT_FAMILY, FONT_SIZE, text_width

    label_text, value_text = text_width(label), text_width(value)
    lw = math.ceil(label_text) + 2 * TEXT_PADDING
    vw = math.ceil(value_text) + 2 * TEXT_PADDING
    width = lw + vw
    esc = html.escape
    tooltip = esc(title if title is not None else f"{label}: {value}")
    return (
        f'<svg class="tp-badge" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{BADGE_HEIGHT}" '
        f'viewBox="0 0 {width} {BADGE_HEIGHT}" role="img" aria-label="{esc(label)}: {esc(value)}">'
        f"<title>{tooltip}</title>"
        f'<rect width="{lw}" height="{BADGE_HEIGHT}" rx="3" fill="{COLOR_LABEL}"/>'
        f'<rect x="{lw}" width="{vw}" height="{BADGE_HEIGHT}" rx="3" fill="{color}"/>'
        f'<rect x="{lw}" width="4" height="{BADGE_HEIGHT}" fill="{color}"/>'
        f'<g fill="#fff" text-anchor="middle" font-family="{FONT_FAMILY}" font-size="{FONT_SIZE}">'
        f'<text x="{lw / 2:g}" y="14" textLength="{label_text:.2f}" lengthAdjust="spacingAndGlyphs">{esc(label)}</text>'
        f'<text x="{lw + vw / 2:g}" y="14" textLength="{value_text:.2f}" lengthAdjust="spacingAndGlyphs">'
        f"{esc(value)}</text>"
        f"</g></svg>"
    )


def render_badges(info: ProjectInfo) -> str:
    """The three badges of one project, in one HTML span (inline in Markdown)."""
    index = info.index_name
    if info.ok:
        parts = [
            render_badge(index, info.version or UNAVAILABLE, COLOR_OK if info.version else COLOR_MISSING,
                         f"latest {info.project} release on {index}: {info.version}"),
            render_badge("python", info.python or "unknown", COLOR_PYTHON if info.python else COLOR_MISSING,
                         f"Python versions {info.project} supports (classifiers or requires_python)"),
            render_badge("released", info.released or "unknown", COLOR_DATE if info.released else COLOR_MISSING,
                         f"date the latest {info.project} release was uploaded"),
        ]
        if info.cached_on:
            parts.append(render_badge("as of", info.cached_on, COLOR_MISSING,
                                      f"{index} did not answer in time: {info.project}'s data as cached on {info.cached_on}"))
    else:
        value = info.state
        why = f"{index} data for {info.project} is {value}: {info.reason}"
        parts = [render_badge(label, value, COLOR_MISSING, why) for label in (index, "python", "released")]
    why = "" if info.ok else f' title="{html.escape(f"{index} data for {info.project} is {info.state}: {info.reason}")}"'
    return (f'<span class="tp-badges" data-project="{html.escape(info.project)}"{why}>'
            + " ".join(parts) + "</span>")


@dataclass
class BadgeBoard:
    """Per build: fetches all projects' data once, and logs each problem once.

    `start()` (called when the site's config is loaded) begins the fetch in a separate
    process (a thread when tests inject a transport), so waiting for PyPI overlaps with
    rendering the pages instead of adding to it; the budget counts from `start()`.
    A page then gets a placeholder (`slot`), and `fill_pages()` (after the build) waits for
    the data, at most the budget, and writes the badges into the built pages. Without
    `start()`, `html()` fetches on first use and returns the badges directly (tests, scripts).
    """

    subjects: list[Subject]
    settings: BadgeSettings
    cache: BadgeCache | None
    offline: bool = False
    transport: "httpx.AsyncBaseTransport | None" = None
    _infos: dict[tuple[str, str], ProjectInfo] | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _proc: subprocess.Popen | None = field(default=None, repr=False)
    _deadline: float = field(default=0.0, repr=False)  # time.time() when the budget runs out
    _started: float = field(default=0.0, repr=False)   # time.monotonic() of start()
    _margin: float = field(default=FETCH_MARGIN, repr=False)  # how long past the deadline to wait for the process
    _slots: set[Path] = field(default_factory=set, repr=False)
    seconds: float = 0.0  # time the fetch took
    waited: float = 0.0   # time the build was blocked waiting for the fetch process

    def start(self) -> None:
        """Fetch in the background (nothing to wait for offline or when the cache is fresh)."""
        if self._infos is not None or self._thread is not None or self._proc is not None:
            return
        now = time.time()
        fresh = self.cache is not None and all(
            (e := self.cache.get(s.json_url)) is not None and now - e.stored_at < self.settings.cache_ttl
            for s in self.subjects)
        if self.offline or fresh:
            self._load()
            return
        stale = self.cache is not None and all(self.cache.get(s.json_url) is not None for s in self.subjects)
        self._margin = 0.0 if stale else FETCH_MARGIN
        self._deadline = time.time() + (min(self.settings.budget, STALE_WAIT) if stale else self.settings.budget)
        self._started = time.monotonic()
        if self.transport is None:
            try:
                self._proc = start_fetch_process(self.subjects, self.settings, self.cache, self._deadline)
                return
            except OSError as exc:  # no process to be had: a thread of this one still keeps the build going
                log.info(MSG_NO_CHILD_LOG, exc.strerror or exc)
        self._thread = threading.Thread(target=self._load, name="tp-badges", daemon=True)
        self._thread.start()

    def _load(self) -> dict[tuple[str, str], ProjectInfo]:
        if self._infos is None:
            if self._proc is not None:
                blocked = time.monotonic()
                infos, seconds = collect_fetch_process(self._proc, self.subjects, self._deadline, self._margin)
                self.waited = time.monotonic() - blocked
                log.info(MSG_WAITED_LOG, self.waited)
                # A process that did not report in time: the cached answers, dated, where there are any.
                infos = [stale_fallback(i, self.cache.get(s.json_url) if self.cache else None, s)
                         for i, s in zip(infos, self.subjects)]
                self.seconds = seconds if seconds is not None else time.monotonic() - self._started
            else:
                started = time.monotonic()
                infos = fetch_projects(self.subjects, self.settings, self.cache,
                                       offline=self.offline, transport=self.transport)
                self.seconds = time.monotonic() - started
            if not self.offline:
                cached = sum(1 for i in infos if i.from_cache)
                log.info(MSG_FETCHED_LOG, len(infos), cached, self.seconds, self.settings.budget)
            if self.offline:
                log.info(MSG_OFFLINE_LOG, OFFLINE_ENV)
            for info in infos:
                if info.state == UNAVAILABLE:
                    log.info(MSG_UNAVAILABLE_LOG, f"{info.project} on {info.index_name}", info.reason)
                elif info.cached_on:
                    log.info(MSG_STALE_LOG, f"{info.project} on {info.index_name}", info.reason)
            self._infos = {(s.index, s.project): i for s, i in zip(self.subjects, infos)}
        return self._infos

    def _wait(self) -> dict[tuple[str, str], ProjectInfo]:
        if self._thread is not None:
            # fetch_projects never takes much longer than the budget; the margin covers a slow start.
            self._thread.join(self.settings.budget + 5.0)
            if self._infos is None:  # a thread that did not finish: say so instead of hanging the build
                self._infos = {(s.index, s.project): ProjectInfo(s.project, s.index_name, state=UNAVAILABLE,
                                                                 reason="the fetch did not finish")
                               for s in self.subjects}
                log.info(MSG_UNAVAILABLE_LOG, "all projects", "the fetch did not finish")
        return self._load()

    def info(self, subject: Subject) -> ProjectInfo:
        key = (subject.index, subject.project)
        infos = self._wait()
        if key not in infos:
            raise BadInput(f"no badge data was prepared for {subject.project} on {subject.index_name}")
        return infos[key]

    def html(self, subject: Subject) -> str:
        return render_badges(self.info(subject))

    @staticmethod
    def slot_marker(subject: Subject) -> str:
        return f'<span class="tp-badges" data-tp-slot="{html.escape(subject.index)}/{html.escape(subject.project)}"></span>'

    def slot(self, subject: Subject, page_file: Path | None) -> str:
        """The badges now if the data is here, else a placeholder that `fill_pages` replaces."""
        if (self._thread is None and self._proc is None) or page_file is None or self._infos is not None:
            return self.html(subject)
        self._slots.add(Path(page_file))
        return self.slot_marker(subject)

    def fill_pages(self) -> int:
        """Replace the placeholders in the built pages; returns how many pages were rewritten."""
        if not self._slots:
            return 0
        replacements = {self.slot_marker(s): self.html(s) for s in self.subjects}
        rewritten = 0
        for page in sorted(self._slots):
            try:
                text = page.read_text(encoding="utf-8")
            except OSError:
                continue  # the build did not write it (e.g. it failed before): nothing to fill
            filled = text
            for marker, badges in replacements.items():
                filled = filled.replace(marker, badges)
            if filled != text:
                page.write_text(filled, encoding="utf-8")
                rewritten += 1
        self._slots.clear()
        return rewritten


if __name__ == "__main__":  # the fetch process (see `start_fetch_process`)
    sys.stdout.write(serve_fetch_request(os.environ[REQUEST_ENV]))
