"""The executable checklist: every item of the guide's checklist as one function.

`CHECKS` is the ordered registry. Each check has a stable id (`TP105`), a slug
(`id-token-on-publish-job`), a title, the sentence saying what it verifies, the
fix (a script in `scripts/` or a section of the docs) and a group; the
checklist command, the checklist page of the site and the fix scripts' tests
all read this one registry, so they cannot disagree.

`run_checks` runs them against a repository (one reading of it: workflows are
parsed once, zizmor runs once, PyPI is asked once) and returns one `Result`
per check (one per audit for zizmor).
"""

from __future__ import annotations

import functools
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from trustpub.config import Subject
from trustpub.errors import BadInput
from trustpub.repo import Repo, Workflow, read_text
from trustpub import zizmor
from trustpub.secrets import TOKEN_RE, redact, redact_text

STATUSES = ("pass", "fail", "warn", "manual", "skip")
SCHEMA_ID = "tp-checklist/1"

# Groups, in the order the checklist shows them; the hundreds digit of the id.
GROUPS = {
    "workflow": "Release workflow",
    "multi": "Several workflows",
    "zizmor": "General Actions security (zizmor)",
    "identity": "Publisher identity",
    "versions": "Versions and tags",
    "credentials": "Local credentials",
    "pypi": "PyPI",
    "manual": "Manual items",
}

# The moving ref the action's maintainers recommend; full SHAs are accepted too.
RECOMMENDED_REF = "release/v1"
# From v1.11.0 the action makes PEP 740 attestations by default; older tags are too old.
MIN_ACTION_VERSION = (1, 11, 0)
FULL_SHA_RE = re.compile(r"^[0-9a-f]{40}$")
# Runner labels of GitHub-hosted Linux runners (the publish action is a Docker container action).
LINUX_HOSTED_RE = re.compile(r"^ubuntu-(latest|slim|\d\d\.\d\d(-arm)?)$")
NON_LINUX_RE = re.compile(r"^(windows|macos)-|^self-hosted$", re.IGNORECASE)
DANGEROUS_TRIGGERS = ("pull_request_target", "workflow_run")
# A `secrets.` reference whose name mentions PyPI: a token path next to (or instead of) trusted publishing.
PYPI_SECRET_RE = re.compile(r"secrets\s*(?:\.\s*([A-Za-z0-9_-]*pypi[A-Za-z0-9_-]*)|\[\s*['\"]([^'\"]*pypi[^'\"]*)['\"]\s*\])",
                            re.IGNORECASE)
BUILD_COMMAND_RE = re.compile(
    r"\b(python[0-9.]*\s+-m\s+build|pyproject-build|pip[0-9.]*\s+wheel|uv\s+build|poetry\s+build|hatch\s+build"
    r"|pdm\s+build|flit\s+build|setup\.py\s+(sdist|bdist))")
CHECKOUT_ACTION = "actions/checkout"
TEST_TAG_RE = re.compile(r"-test", re.IGNORECASE)  # the guide's test tags: v1.2.3-test1 (Step 4)
# Environment variables tools read an upload token from.
TOKEN_ENV_VARS = ("TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "UV_PUBLISH_PASSWORD", "POETRY_PYPI_TOKEN_PYPI",
                  "POETRY_PYPI_TOKEN_TESTPYPI", "FLIT_PASSWORD", "HATCH_INDEX_AUTH", "PDM_PUBLISH_PASSWORD")
ZIZMOR_FAILING = ("high", "medium")

MSG_UNKNOWN_CHECK = "unknown check {name!r}; known ids and slugs are listed by `checklist.py --list`"
MSG_OFFLINE = "offline"


# ---------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    id: str
    slug: str
    title: str
    verifies: str
    group: str
    func: Callable[["Context"], Any] = field(repr=False, compare=False)
    fix_script: str | None = None
    doc: str | None = None
    online: bool = False   # needs PyPI: skipped with --offline
    manual: bool = False   # a person confirms it; the checklist cannot

    @property
    def fix(self) -> str | None:
        return self.fix_script or self.doc


@dataclass
class Result:
    id: str
    slug: str
    title: str
    group: str
    status: str
    evidence: str
    fix: str | None = None

    def __post_init__(self) -> None:
        # One line, always: evidence can quote workflow values, which may span lines.
        self.evidence = " ".join(self.evidence.split())

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "slug": self.slug, "title": self.title, "group": self.group,
                "status": self.status, "evidence": redact_text(self.evidence), "fix": self.fix}


@dataclass
class Outcome:
    """What a check function returns; `run_checks` adds the check's identity."""

    status: str
    evidence: str
    fix: str | None = None  # overrides the check's default fix for this outcome


def passed(evidence: str) -> Outcome:
    return Outcome("pass", evidence)


def failed(evidence: str, fix: str | None = None) -> Outcome:
    return Outcome("fail", evidence, fix)


def warned(evidence: str, fix: str | None = None) -> Outcome:
    return Outcome("warn", evidence, fix)


def skipped(reason: str) -> Outcome:
    return Outcome("skip", reason)


CHECKS: list[Check] = []


def check(id: str, slug: str, title: str, verifies: str, *, fix_script: str | None = None,
          doc: str | None = None, online: bool = False, manual: bool = False):
    group = _GROUP_BY_HUNDRED[id[2]]

    def register(func: Callable[["Context"], Any]) -> Callable[["Context"], Any]:
        assert all(c.id != id and c.slug != slug for c in CHECKS), f"duplicate check {id}/{slug}"
        CHECKS.append(Check(id, slug, title, verifies, group, func, fix_script, doc, online, manual))
        return func

    return register


_GROUP_BY_HUNDRED = {"1": "workflow", "2": "multi", "3": "zizmor", "4": "identity", "5": "versions",
                     "6": "credentials", "7": "pypi", "9": "manual"}


def get_check(name: str) -> Check:
    for c in CHECKS:
        if name in (c.id, c.slug):
            return c
    raise BadInput(MSG_UNKNOWN_CHECK.format(name=name))


def result_by_slug(results: Iterable[Result], slug: str) -> Result:
    """The result of the check `slug` (the first, for zizmor's per-audit results)."""
    for r in results:
        if r.slug == slug or r.slug.startswith(slug + "/"):
            return r
    raise KeyError(f"no result for check {slug!r} (was it selected with only=?)")


# ---------------------------------------------------------------------------
# One reading of the repository, shared by all checks of a run
# ---------------------------------------------------------------------------
@dataclass
class PublishJob:
    workflow: Workflow
    job_id: str
    index: str  # "pypi" | "testpypi"

    @property
    def job(self) -> dict:
        return self.workflow.jobs[self.job_id]

    @property
    def label(self) -> str:
        return f"job {self.job_id!r} ({'TestPyPI' if self.index == 'testpypi' else 'PyPI'})"


class Context:
    def __init__(self, repo: Repo, subject: Subject, *, offline: bool, pypirc: str | os.PathLike | None,
                 env: Mapping[str, str], transport: Any, budget: float | None = None) -> None:
        self.repo = repo
        self.subject = subject
        self.offline = offline
        self.pypirc = Path(pypirc).expanduser() if pypirc else None
        self.env = env
        self.transport = transport
        self.budget = budget
        self._cache: dict[str, Any] = {}
        self._zizmor: zizmor.Run | None = None

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    # -- workflows -------------------------------------------------------
    @property
    def workflows(self) -> list[Workflow]:
        # No workflow at all is bad input for the checklist command; here TP101 fails and the rest skip.
        return self.cached("workflows", lambda: self.repo.workflows_for_reading)

    @property
    def configured(self) -> Workflow | None:
        return next((w for w in self.workflows if w.filename == self.subject.workflow), None)

    @property
    def publishing(self) -> list[Workflow]:
        return [w for w in self.workflows if w.publish_steps]

    @property
    def publish_jobs(self) -> list[PublishJob]:
        def find() -> list[PublishJob]:
            jobs: list[PublishJob] = []
            for wf in self.publishing:
                seen: dict[str, str] = {}
                for step in wf.publish_steps:
                    # A job with both kinds of step counts as PyPI (the stricter side).
                    if seen.get(step.job_id) != "pypi":
                        seen[step.job_id] = step.target_index
                jobs += [PublishJob(wf, job_id, index) for job_id, index in seen.items()]
            return jobs
        return self.cached("publish_jobs", find)

    @property
    def pypi_workflow(self) -> Workflow | None:
        """The workflow that publishes to PyPI: the configured one, else the only one that does."""
        pypi = [w for w in self.publishing if any(s.target_index == "pypi" for s in w.publish_steps)]
        if self.configured in pypi:
            return self.configured
        return pypi[0] if len(pypi) == 1 else None

    # -- zizmor ----------------------------------------------------------
    def start_zizmor(self) -> None:
        """Start zizmor in the background (or pick up a `zizmor.prestart` run); our own checks run meanwhile."""
        if self._zizmor is None and "zizmor" not in self._cache:
            self._zizmor = zizmor.start(self.repo.root)

    def zizmor_findings(self) -> zizmor.Findings:
        """zizmor's findings; None when zizmor is not installed; a one-line str when it failed."""
        if "zizmor" not in self._cache:
            self.start_zizmor()
            assert self._zizmor is not None
            self._cache["zizmor"] = self._zizmor.result()
        return self._cache["zizmor"]

    def close(self) -> None:
        if self._zizmor is not None:
            self._zizmor.stop()

    # -- PyPI --------------------------------------------------------------
    def pypi_project(self) -> Any:
        """The project's JSON document as a `Fetched` (one request, shared by every PyPI check)."""
        return self.cached("pypi_project", lambda: _expect_object(self._fetch([self.subject.json_url])[0]))

    def provenance(self, version: str, filenames: list[str]) -> list[Any]:
        key = f"provenance:{version}"
        return self.cached(key, lambda: [_expect_object(f) for f in self._fetch(
            [self.subject.provenance_url(version, name) for name in filenames])])

    def _fetch(self, urls: list[str]) -> list[Any]:
        from trustpub import pypi  # httpx is imported only when PyPI is asked (keeps --offline fast)

        started = self._cache.setdefault("pypi_started", time.monotonic())
        budget = self.budget if self.budget is not None else pypi.DEFAULT_BUDGET
        remaining = max(0.1, budget - (time.monotonic() - started))
        return pypi.fetch_all_sync(urls, budget=remaining, transport=self.transport)


def _expect_object(fetched: Any) -> Any:
    """An answer whose JSON is not an object (PyPI's documents all are) counts as no answer."""
    if fetched.error is None and not isinstance(fetched.data, dict):
        fetched.error, fetched.data = f"unexpected JSON ({type(fetched.data).__name__}, not an object)", None
    return fetched


# ---------------------------------------------------------------------------
# GitHub's filter patterns for `on.push.tags`
# ---------------------------------------------------------------------------
# https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax#filter-pattern-cheat-sheet
# `*` any characters but `/`; `**` any characters; `?` zero or one of the preceding
# character; `+` one or more of it; `[...]` one character of a set or range; `\`
# escapes; a leading `!` excludes what earlier patterns included (order matters).
@dataclass(frozen=True)
class _Token:
    kind: str       # "lit" | "class" | "star" | "dstar"
    value: str = ""
    repeat: str = ""  # "" | "?" | "+"


def _tokenize(pattern: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            tokens.append(_Token("lit", pattern[i + 1]))
            i += 2
        elif c == "*":
            double = pattern.startswith("**", i)
            tokens.append(_Token("dstar" if double else "star"))
            i += 2 if double else 1
        elif c in "?+" and tokens and not tokens[-1].repeat:
            last = tokens.pop()
            tokens.append(_Token(last.kind, last.value, c))
            i += 1
        elif c == "[" and pattern.find("]", i + 2) != -1:
            end = pattern.find("]", i + 2)
            tokens.append(_Token("class", pattern[i + 1:end]))
            i = end + 1
        else:
            tokens.append(_Token("lit", c))
            i += 1
    return tokens


def _token_regex(t: _Token) -> str:
    if t.kind == "lit":
        base = re.escape(t.value)
    elif t.kind == "class":
        base = "[" + t.value.replace("\\", "\\\\").replace("[", "\\[") + "]"
    elif t.kind == "star":
        base = "[^/]*"
    else:
        base = ".*"
    return f"(?:{base}){t.repeat}" if t.repeat else base


@functools.lru_cache(maxsize=None)
def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regex that fully matches what the GitHub filter pattern matches."""
    return re.compile("".join(_token_regex(t) for t in _tokenize(pattern)) + r"\Z")


def _class_char(body: str) -> str:
    """One character of a `[...]` set, preferring `1` so versions look like versions."""
    chars: list[str] = []
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            chars += [chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1)]
            i += 3
        else:
            chars.append(body[i])
            i += 1
    return "1" if "1" in chars else (chars[0] if chars else "")


# What a `*` may stand for when making example tags out of a pattern.
WILDCARD_FILLS = ("", "1", "1.2.3", "1.2.3rc1", "1.2.3-rc.1", "1.2.3-rc1", "1.2.3-test1", "-test1", "rc1",
                  "a1", "b1", ".dev1", ".post1", "x")
TYPICAL_TAGS = ("v1.2.3", "1.2.3", "v1.2.3rc1", "v1.2.3-rc.1", "v1.2.3-rc1", "v1.2.3-test1", "v1.2.3-test",
                "v1.2.3.dev1", "v1.2.3a1", "v1.2.3b1", "v1.2.3.post1", "1.2.3rc1", "1.2.3-test1", "v1.2", "v1",
                "release-1.2.3")


def pattern_examples(pattern: str) -> list[str]:
    """Tags the pattern itself suggests: each wildcard filled in a few typical ways."""
    tokens = _tokenize(pattern.lstrip("!"))
    examples: list[str] = []
    for fill in WILDCARD_FILLS:
        for most in (False, True):
            parts = []
            for t in tokens:
                one = t.value if t.kind == "lit" else _class_char(t.value) if t.kind == "class" else fill
                count = {"": 1, "?": 1 if most else 0, "+": 2 if most else 1}[t.repeat]
                parts.append(one * count)
            examples.append("".join(parts))
    return list(dict.fromkeys(examples))


@dataclass
class TagTrigger:
    """Which tag pushes start a workflow (`on.push.tags` / `tags-ignore`)."""

    workflow: Workflow
    patterns: list[tuple[str, int]]   # (pattern, line) in order; `!` kept
    ignore: list[tuple[str, int]]
    all_tags: bool = False            # `on: push` without tag or branch filters

    def matches(self, tag: str) -> bool:
        return self.matching_pattern(tag) is not None

    def matching_pattern(self, tag: str) -> tuple[str, int] | None:
        """The pattern that lets `tag` in (last positive match not undone by a later `!`), or None."""
        if self.all_tags:
            return ("(every tag)", self.line)
        if self.ignore and not self.patterns:
            if any(pattern_regex(p).match(tag) for p, _ in self.ignore):
                return None
            return ("(every tag not in tags-ignore)", self.line)
        included: tuple[str, int] | None = None
        for pattern, line in self.patterns:
            if pattern.startswith("!"):
                if included and pattern_regex(pattern[1:]).match(tag):
                    included = None
            elif pattern_regex(pattern).match(tag):
                included = (pattern, line)
        return included

    @property
    def line(self) -> int:
        return self.workflow.line(self.workflow.data, _on_key(self.workflow))

    def examples(self) -> list[str]:
        found = list(TYPICAL_TAGS)
        for pattern, _ in self.patterns + self.ignore:
            found += pattern_examples(pattern)
        return list(dict.fromkeys(found))


def tag_trigger(wf: Workflow) -> TagTrigger | None:
    """How tag pushes reach `wf`, or None when they don't."""
    if "push" not in wf.triggers:
        return None
    push = wf.triggers["push"]
    if not isinstance(push, dict):
        return TagTrigger(wf, [], [], all_tags=True)
    tags, ignore = push.get("tags"), push.get("tags-ignore")
    if tags is None and ignore is None:
        if "branches" in push or "branches-ignore" in push:
            return None  # only branch pushes
        return TagTrigger(wf, [], [], all_tags=True)

    def listed(node: Any) -> list[tuple[str, int]]:
        if node is None:
            return []
        if isinstance(node, str):
            return [(node, wf.line(push, "tags"))]
        if isinstance(node, list):
            return [(str(p), wf.line(node, i)) for i, p in enumerate(node)]
        return []

    return TagTrigger(wf, listed(tags), listed(ignore))


def first_overlap(a: TagTrigger, b: TagTrigger) -> str | None:
    """An example tag that starts both workflows, or None when none of the candidates does."""
    for tag in list(dict.fromkeys(a.examples() + b.examples())):
        if a.matches(tag) and b.matches(tag):
            return tag
    return None


# ---------------------------------------------------------------------------
# Small helpers over workflows
# ---------------------------------------------------------------------------
def _permissions_grant_id_token(perms: Any) -> bool:
    if isinstance(perms, str):
        return perms.strip() == "write-all"
    if isinstance(perms, dict):
        return str(perms.get("id-token", "")).strip() == "write"
    return False


def _describe_permissions(perms: Any) -> str:
    if isinstance(perms, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in perms.items()) + "}" if perms else "{}"
    return str(perms)


def _environment_name(job: dict) -> str | None:
    env = job.get("environment")
    if isinstance(env, dict):
        name = env.get("name")
        return str(name) if name is not None else None
    return str(env) if env is not None else None


def _is_expression(value: str) -> bool:
    return "${{" in value


def _where(wf: Workflow, node: Any = None, key: Any = None) -> str:
    return wf.where(node, key)


def _on_key(wf: Workflow) -> Any:
    return "on" if "on" in wf.data else True  # YAML 1.1 readers turn `on` into True


def _on_where(wf: Workflow, event: str | None = None) -> str:
    """file:line of `on:` or of one event under it."""
    on = wf.data.get(_on_key(wf))
    if event is not None and isinstance(on, dict) and event in on:
        return wf.where(on, event)
    if event is not None and isinstance(on, list) and event in on:
        return wf.where(on, on.index(event))
    return wf.where(wf.data, _on_key(wf))


def _no_publish(ctx: Context) -> Outcome | None:
    """A skip when no workflow publishes (TP102 fails for that)."""
    if not ctx.publish_jobs:
        return skipped("no workflow has a step using pypa/gh-action-pypi-publish (see TP102)")
    return None


def _join(items: list[str], limit: int = 3) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")


def _expected_environment(ctx: Context, pj: PublishJob) -> str:
    return ctx.subject.testpypi_environment if pj.index == "testpypi" else ctx.subject.environment


# ---------------------------------------------------------------------------
# TP1xx: the release workflow
# ---------------------------------------------------------------------------
@check("TP101", "workflow-tracked", "Release workflow exists and is committed",
       "The workflow file registered on PyPI exists in `.github/workflows` and is tracked by git.",
       doc="workflow.md")
def workflow_tracked(ctx: Context) -> Outcome:
    rel = ctx.subject.workflow_path
    wf = ctx.configured
    if not ctx.workflows:
        return failed(f"{rel}: no such file, and no workflow at all in .github/workflows")
    if wf is None:
        others = [w.filename for w in ctx.publishing]
        hint = f"; publishing workflows here: {', '.join(others)}" if others else ""
        return failed(f"{rel}: no such file (the publisher on PyPI names {ctx.subject.workflow}){hint}")
    if not ctx.repo.is_tracked(wf.relpath):
        return failed(f"{wf.relpath}: exists but is not committed (git add {wf.relpath} && git commit)")
    return passed(f"{wf.relpath}: tracked by git")


@check("TP102", "publish-step-present", "Release workflow uses the PyPI publish action",
       "The release workflow has a step that uses `pypa/gh-action-pypi-publish` to upload to PyPI.",
       doc="workflow.md")
def publish_step_present(ctx: Context) -> Outcome:
    wf = ctx.configured
    if wf is None:
        return skipped(f"{ctx.subject.workflow_path} does not exist (see TP101)")
    steps = [s for s in wf.publish_steps if s.target_index == "pypi"]
    if steps:
        s = steps[0]
        return passed(f"{_where(wf, s.step, 'uses')}: job {s.job_id!r} uses {s.uses}")
    if wf.publish_steps:
        s = wf.publish_steps[0]
        return failed(f"{_where(wf, s.step, 'uses')}: the publish step uploads to TestPyPI only "
                      f"(repository-url); PyPI's publisher names this workflow")
    callers = [(job_id, str(job.get("uses"))) for job_id, job in wf.jobs.items() if job.get("uses")]
    if callers:
        job_id, uses = callers[0]
        return failed(f"{_where(wf, wf.jobs[job_id], 'uses')}: job {job_id!r} calls the reusable workflow {uses}; "
                      f"PyPI does not support publishing from a reusable workflow: put the publish step here")
    uploads = re.search(r"^.*\b(twine\s+upload|uv\s+publish|poetry\s+publish|flit\s+publish)\b.*$", wf.text, re.M)
    if uploads:
        line = wf.text[:uploads.start()].count("\n") + 1
        return failed(f"{wf.relpath}:{line}: uploads with `{uploads.group(1)}` instead of "
                      f"pypa/gh-action-pypi-publish")
    return failed(f"{wf.relpath}: no step uses pypa/gh-action-pypi-publish")


@check("TP103", "tag-trigger", "Release workflow runs on tag pushes",
       "The release workflow is triggered by pushing a tag (`on.push.tags`), so a release is one `git push` of a tag.",
       doc="workflow.md")
def tag_trigger_check(ctx: Context) -> Outcome:
    wf = ctx.configured
    if wf is None:
        return skipped(f"{ctx.subject.workflow_path} does not exist (see TP101)")
    trigger = tag_trigger(wf)
    on_line = _on_where(wf)
    if trigger is None:
        if "release" in wf.triggers:
            return warned(f"{on_line}: runs on GitHub releases, not tag pushes; the tag checks (TP201, TP501) "
                          f"cannot tell which tags publish")
        events = ", ".join(wf.triggers) or "nothing"
        return failed(f"{on_line}: triggered by {events}, not by pushing a tag")
    if trigger.all_tags:
        return warned(f"{on_line}: on.push has no tags filter, so every push (branches too) runs it; "
                      f"add `tags:` with release patterns")
    patterns = [p for p, _ in trigger.patterns] or [f"tags-ignore {p}" for p, _ in trigger.ignore]
    return passed(f"{_where(wf, wf.triggers.get('push'), 'tags') if trigger.patterns else on_line}: "
                  f"tags {', '.join(patterns)}")


def _action_version(ref: str) -> tuple[int, ...] | None:
    m = re.fullmatch(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", ref)
    return tuple(int(x or 0) for x in m.groups()) if m else None


def _comment_after(wf: Workflow, line: int) -> str:
    lines = wf.text.splitlines()
    if 0 < line <= len(lines) and "#" in lines[line - 1]:
        return lines[line - 1].split("#", 1)[1].strip()
    return ""


@check("TP104", "publish-action-ref", "Publish action reference is current",
       "`pypa/gh-action-pypi-publish` is used at `release/v1` or pinned to a full 40-character commit SHA "
       "(of v1.11 or later), never a branch like `master` or an old `v1.x` tag.",
       fix_script="fix_action_ref.py")
def publish_action_ref(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes, good = [], [], []
    for wf in ctx.publishing:
        for s in wf.publish_steps:
            where, ref = _where(wf, s.step, "uses"), s.ref
            if ref == RECOMMENDED_REF:
                good.append(f"{where}: @{ref}")
            elif FULL_SHA_RE.match(ref):
                comment = _comment_after(wf, wf.line(s.step, "uses"))
                version = _action_version(comment.split()[0]) if comment else None
                if version is not None and version < MIN_ACTION_VERSION:
                    bad.append(f"{where}: SHA pin of {comment.split()[0]} (older than v1.11: no attestations)")
                elif version is None:
                    notes.append(f"{where}: SHA pin without a version comment (add `# v1.x.y` so updates are readable)")
                else:
                    good.append(f"{where}: @{ref[:12]}… # {comment.split()[0]}")
            elif (version := _action_version(ref)) is not None and len(ref.split(".")) == 3:
                if version < MIN_ACTION_VERSION:
                    no_tp = " and, before v1.8, no Trusted Publishing at all" if version < (1, 8, 0) else ""
                    bad.append(f"{where}: @{ref} is older than v1.11 (no attestations{no_tp}); "
                               f"use @{RECOMMENDED_REF}")
                else:
                    notes.append(f"{where}: @{ref} is a fixed tag; @{RECOMMENDED_REF} or a SHA pin gets fixes")
            elif not ref:
                bad.append(f"{where}: no @ref at all")
            else:
                bad.append(f"{where}: @{ref} is not a maintained ref; use @{RECOMMENDED_REF} or a full SHA")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    return passed(_join(good))


@check("TP105", "id-token-on-publish-job", "Publishing job can mint the OIDC token",
       "Every job that publishes has `id-token: write`, set on the job or inherited from the workflow and not "
       "cancelled by a job-level `permissions:` block without it.",
       fix_script="fix_id_token.py")
def id_token_on_publish_job(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, good = [], []
    for pj in ctx.publish_jobs:
        wf, job = pj.workflow, pj.job
        if "permissions" in job:
            if _permissions_grant_id_token(job["permissions"]):
                good.append(f"{_where(wf, job, 'permissions')}: {pj.label} has id-token: write")
            else:
                extra = " (replacing the workflow's, which had it)" if _permissions_grant_id_token(
                    wf.data.get("permissions")) else ""
                bad.append(f"{_where(wf, job, 'permissions')}: {pj.label} permissions "
                           f"{_describe_permissions(job['permissions'])} lack id-token: write{extra}")
        elif "permissions" in wf.data:
            if _permissions_grant_id_token(wf.data["permissions"]):
                good.append(f"{_where(wf, wf.data, 'permissions')}: {pj.label} inherits id-token: write")
            else:
                bad.append(f"{_where(wf, wf.data, 'permissions')}: {pj.label} inherits "
                           f"{_describe_permissions(wf.data['permissions'])}, without id-token: write")
        else:
            bad.append(f"{_where(wf, job)}: {pj.label} has no permissions block; "
                       f"the default token has no id-token: write")
    return failed(_join(bad)) if bad else passed(_join(good))


@check("TP106", "id-token-not-elsewhere", "OIDC permission only where it publishes",
       "In publishing workflows, `id-token: write` is not granted at workflow level or to jobs that do not "
       "publish, so build steps and other jobs cannot mint an upload token.",
       fix_script="fix_id_token.py")
def id_token_not_elsewhere(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad = []
    for wf in ctx.publishing:
        if _permissions_grant_id_token(wf.data.get("permissions")):
            bad.append(f"{_where(wf, wf.data, 'permissions')}: workflow-level permissions grant id-token: write "
                       f"to every job; grant it on the publishing job only")
        publishing = set(wf.publishing_jobs)
        for job_id, job in wf.jobs.items():
            if job_id not in publishing and _permissions_grant_id_token(job.get("permissions")) \
                    and not job.get("uses"):
                bad.append(f"{_where(wf, job, 'permissions')}: job {job_id!r} does not publish but has id-token: write")
    if bad:
        return failed(_join(bad))
    names = ", ".join(f"{pj.workflow.filename}:{pj.job_id}" for pj in ctx.publish_jobs)
    return passed(f"id-token: write only on publishing jobs ({names})")


@check("TP107", "separate-build-publish", "Build and publish are separate jobs",
       "The publishing job does not check out or build the code: a separate job builds and passes the "
       "distributions as an artifact, so build tooling never runs with the OIDC token.",
       fix_script="harden_workflow.py")
def separate_build_publish(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes = [], []
    for pj in ctx.publish_jobs:
        wf = pj.workflow
        for i, step in enumerate(wf.steps(pj.job_id)):
            if not isinstance(step, dict):
                continue
            uses, run = str(step.get("uses") or ""), str(step.get("run") or "")
            if uses.split("@")[0] == CHECKOUT_ACTION:
                bad.append(f"{_where(wf, step, 'uses')}: {pj.label} checks out the code")
            elif (m := BUILD_COMMAND_RE.search(run)):
                bad.append(f"{_where(wf, step, 'run')}: {pj.label} builds (`{m.group(0)}`)")
            elif run:
                notes.append(f"{_where(wf, step, 'run')}: {pj.label} runs shell commands next to the OIDC token")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    jobs = ", ".join(f"{pj.workflow.filename}:{pj.job_id}" for pj in ctx.publish_jobs)
    return passed(f"publishing jobs only download and upload ({jobs})")


def _runner_labels(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, dict):
        labels = value.get("labels")
        found = _runner_labels(labels) if labels is not None else []
        return found + ([f"group:{value['group']}"] if value.get("group") else [])
    return []


@check("TP108", "publish-runner-linux", "Publishing job runs on a Linux GitHub-hosted runner",
       "The publishing job runs on `ubuntu-*` (GitHub-hosted): the publish action is a container action and "
       "does not run on Windows or macOS, and self-hosted runners are not the trusted environment.",
       doc="workflow.md")
def publish_runner_linux(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes, good = [], [], []
    for pj in ctx.publish_jobs:
        wf, job = pj.workflow, pj.job
        where = _where(wf, job, "runs-on") if "runs-on" in job else _where(wf, job)
        labels = _runner_labels(job.get("runs-on"))
        if not labels:
            bad.append(f"{where}: {pj.label} has no runs-on")
        elif any(_is_expression(x) for x in labels):
            notes.append(f"{where}: {pj.label} runs-on {', '.join(labels)} (an expression: make sure it is ubuntu-*)")
        elif any(NON_LINUX_RE.search(x) for x in labels):
            bad.append(f"{where}: {pj.label} runs-on {', '.join(labels)}; use ubuntu-latest or ubuntu-24.04")
        elif all(LINUX_HOSTED_RE.match(x) for x in labels):
            good.append(f"{where}: {pj.label} runs-on {', '.join(labels)}")
        else:
            notes.append(f"{where}: {pj.label} runs-on {', '.join(labels)} (not a GitHub-hosted ubuntu-* label)")
    if bad:
        return failed(_join(bad))
    return warned(_join(notes)) if notes else passed(_join(good))


@check("TP109", "publish-environment", "Publishing job declares the registered environment",
       "The PyPI publishing job declares the GitHub environment registered on PyPI (and the TestPyPI job the one "
       "registered on TestPyPI), so the token's `environment` claim matches and the environment's protection "
       "rules apply.",
       fix_script="harden_workflow.py")
def publish_environment(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad, notes, good = [], [], []
    for pj in ctx.publish_jobs:
        wf, job = pj.workflow, pj.job
        expected = _expected_environment(ctx, pj)
        name = _environment_name(job)
        if name is None:
            bad.append(f"{_where(wf, job)}: {pj.label} declares no environment; the publisher names "
                       f"environment {expected!r}")
        elif _is_expression(name):
            notes.append(f"{_where(wf, job, 'environment')}: {pj.label} environment {name} is an expression; "
                         f"it must evaluate to {expected!r}")
        elif name != expected:
            bad.append(f"{_where(wf, job, 'environment')}: {pj.label} environment {name!r}, but the publisher "
                       f"names {expected!r}")
        else:
            good.append(f"{_where(wf, job, 'environment')}: {pj.label} environment {name!r}")
    if bad:
        return failed(_join(bad))
    return warned(_join(notes)) if notes else passed(_join(good))


@check("TP110", "no-token-input", "No API token in the workflow",
       "The publish step gets no `password` or `user` input and no workflow refers to a `secrets.*PYPI*` "
       "secret: uploads authenticate through Trusted Publishing only.",
       fix_script="harden_workflow.py")
def no_token_input(ctx: Context) -> Outcome:
    if not ctx.workflows:
        return skipped("no workflow files")
    bad = []
    for wf in ctx.publishing:
        for s in wf.publish_steps:
            for key in ("password", "user"):
                if key in s.inputs:
                    bad.append(f"{_where(wf, s.inputs, key)}: publish step passes `{key}:` (a token path, "
                               f"not Trusted Publishing)")
    for wf in ctx.workflows:
        for number, line in enumerate(wf.text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            for m in PYPI_SECRET_RE.finditer(line):
                bad.append(f"{wf.relpath}:{number}: uses the secret {m.group(1) or m.group(2)}")
    if bad:
        return failed(_join(bad))
    return passed(f"no password/user input and no PyPI secret in {len(ctx.workflows)} workflow(s)")


@check("TP111", "publish-not-reusable", "Publish step is not in a reusable workflow",
       "The publish step is in the workflow the tag push starts, not in a reusable workflow (`on: workflow_call`): "
       "PyPI does not support reusable workflows as trusted publishers, because the token names the caller.",
       doc="workflow.md")
def publish_not_reusable(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad = []
    for wf in ctx.publishing:
        if "workflow_call" in wf.triggers:
            bad.append(f"{_on_where(wf, 'workflow_call')}: {wf.filename} publishes and is a "
                       f"reusable workflow (on: workflow_call); PyPI does not support reusable workflows as "
                       f"trusted publishers: move the publish job into the calling workflow")
    return failed(_join(bad)) if bad else passed(
        f"publishing workflows are started directly: {', '.join(w.filename for w in ctx.publishing)}")


def _is_false(value: Any) -> bool:
    return value is False or str(value).strip().lower() == "false"


@check("TP112", "attestations-on", "Attestations are not switched off",
       "No publish step sets `attestations: false`, so PyPI gets PEP 740 provenance naming this repository "
       "and workflow.",
       fix_script="fix_attestations.py")
def attestations_on(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad = [f"{_where(wf, s.inputs, 'attestations')}: publish step sets attestations: {s.inputs['attestations']}"
           for wf in ctx.publishing for s in wf.publish_steps
           if "attestations" in s.inputs and _is_false(s.inputs["attestations"])]
    if bad:
        return failed(_join(bad))
    n = sum(len(wf.publish_steps) for wf in ctx.publishing)
    return passed(f"attestations on (the action's default) in {n} publish step(s)")


@check("TP113", "no-dangerous-trigger", "No dangerous trigger reaches the publish job",
       "Publishing workflows are not triggered by `pull_request_target` or `workflow_run`, which run with the "
       "repository's privileges on behalf of code from outside.",
       doc="workflow.md")
def no_dangerous_trigger(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    bad = [f"{_on_where(wf, t)}: {wf.filename} publishes and runs on {t}" for wf in ctx.publishing for t in DANGEROUS_TRIGGERS if t in wf.triggers]
    if bad:
        return failed(_join(bad))
    return passed("publishing workflows run on: " + "; ".join(
        f"{wf.filename}: {', '.join(wf.triggers)}" for wf in ctx.publishing))


# ---------------------------------------------------------------------------
# TP2xx: several workflows
# ---------------------------------------------------------------------------
def _distinct_conditions(wf: Workflow, jobs: list[str]) -> bool:
    conditions = []
    for job_id in jobs:
        job = wf.jobs[job_id]
        cond = job.get("if") or next((s.step.get("if") for s in wf.publish_steps if s.job_id == job_id
                                      and s.step.get("if")), None)
        if not cond:
            return False
        conditions.append(str(cond).strip())
    return len(set(conditions)) == len(conditions)


@check("TP201", "tag-patterns-no-overlap", "One tag publishes to one index",
       "No tag starts both a workflow that publishes to PyPI and one that publishes to TestPyPI (GitHub's filter "
       "patterns, `!` exclusions and tags-ignore included), and a workflow with both kinds of publish job tells "
       "them apart with `if:`.",
       fix_script="fix_tag_overlap.py")
def tag_patterns_no_overlap(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    by_index: dict[str, list[Workflow]] = {"pypi": [], "testpypi": []}
    for wf in ctx.publishing:
        for index in {s.target_index for s in wf.publish_steps}:
            by_index[index].append(wf)
    bad, notes = [], []
    for pypi_wf in by_index["pypi"]:
        for test_wf in by_index["testpypi"]:
            if test_wf is pypi_wf:
                continue
            a, b = tag_trigger(pypi_wf), tag_trigger(test_wf)
            if a is None or b is None:
                continue
            tag = first_overlap(a, b)
            if tag:
                pa, pb = a.matching_pattern(tag), b.matching_pattern(tag)
                assert pa and pb
                bad.append(f"{pypi_wf.relpath}:{pa[1]} `{pa[0]}` (PyPI) and {test_wf.relpath}:{pb[1]} `{pb[0]}` "
                           f"(TestPyPI) both match the tag {tag}")
    for wf in ctx.publishing:
        kinds = {pj.index: pj.job_id for pj in ctx.publish_jobs if pj.workflow is wf}
        if len(kinds) == 2 and not _distinct_conditions(wf, list(kinds.values())):
            notes.append(f"{_where(wf, wf.jobs[kinds['testpypi']])}: {wf.filename} publishes to PyPI (job "
                         f"{kinds['pypi']!r}) and TestPyPI (job {kinds['testpypi']!r}) with no `if:` telling them "
                         f"apart: every tag goes to both")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    if not by_index["testpypi"]:
        return passed("only PyPI is published to; no TestPyPI workflow to overlap with")
    pairs = ", ".join(f"{a.filename} vs {b.filename}" for a in by_index["pypi"] for b in by_index["testpypi"]
                      if a is not b)
    return passed(f"no example tag reaches both: {pairs or 'one workflow with distinct if: conditions'}")


# ---------------------------------------------------------------------------
# TP3xx: zizmor
# ---------------------------------------------------------------------------
def _relative(ctx: Context, message: str) -> str:
    """`/abs/repo/.github/workflows/x.yml: why` -> `.github/workflows/x.yml: why`."""
    return message.replace(str(ctx.repo.root) + "/", "")


def _finding_where(ctx: Context, finding: dict) -> str:
    for loc in finding.get("locations") or []:
        symbolic = loc.get("symbolic") or {}
        key = (symbolic.get("key") or {}).get("Local") or {}
        path = key.get("given_path") or key.get("verbatim_path") or ""
        row = (((loc.get("concrete") or {}).get("location") or {}).get("start_point") or {}).get("row")
        if path:
            try:
                rel = Path(path).resolve().relative_to(ctx.repo.root).as_posix()
            except ValueError:
                rel = path
            where = f"{rel}:{row + 1}" if isinstance(row, int) else rel
            note = symbolic.get("annotation")
            return f"{where} ({note})" if note else where
    return "(no location)"


@check("TP301", "zizmor", "zizmor finds nothing in the workflows",
       "`zizmor --offline` audits every workflow for general GitHub Actions risks (unpinned actions, "
       "credential persistence, template injection, excessive permissions, ...); each audit with findings is "
       "its own result: high or medium severity fails, low or informational warns.",
       doc="https://docs.zizmor.sh/audits/")
def zizmor_check(ctx: Context) -> Outcome | list[Result]:
    if not ctx.workflows:  # parsed first: a broken workflow is bad input before zizmor's opinion
        return skipped("no workflow files")
    findings = ctx.zizmor_findings()
    if findings is None:
        return warned("zizmor is not installed (pip install zizmor); general Actions audits were not run",
                      fix="https://docs.zizmor.sh/installation/")
    if isinstance(findings, str):
        return warned(_relative(ctx, findings))
    by_audit: dict[str, list[dict]] = {}
    for f in findings:
        if isinstance(f, dict) and not f.get("ignored"):
            by_audit.setdefault(str(f.get("ident", "unknown")), []).append(f)
    n_files = len(ctx.repo.workflow_paths())
    base = get_check("TP301")
    not_audited = [_relative(ctx, x) for x in (ctx._zizmor.not_audited if ctx._zizmor else [])]
    if not by_audit:
        if not_audited:
            return warned(f"zizmor could not audit {_join(not_audited, 2)} (GitHub rejects a workflow that does "
                          f"not match its schema)")
        return passed(f"zizmor --offline: no findings in {n_files} workflow file(s)")
    results = []
    if not_audited:
        results.append(Result(base.id, base.slug, base.title, base.group, "warn",
                              f"zizmor could not audit {_join(not_audited, 2)}", base.fix))
    for audit, items in sorted(by_audit.items()):
        severities = [str((f.get("determinations") or {}).get("severity", "unknown")).lower() for f in items]
        worst = max(severities, key=lambda s: ["unknown", "informational", "low", "medium", "high"].index(s)
                    if s in ("unknown", "informational", "low", "medium", "high") else 0)
        status = "fail" if any(s in ZIZMOR_FAILING for s in severities) else "warn"
        wheres = list(dict.fromkeys(_finding_where(ctx, f) for f in items))
        evidence = f"{len(items)} finding(s), worst severity {worst}: {_join(wheres, 2)}"
        results.append(Result(f"{base.id}.{audit}", f"{base.slug}/{audit}",
                              f"zizmor {audit}: {items[0].get('desc', audit)}", base.group, status, evidence,
                              items[0].get("url") or f"https://docs.zizmor.sh/audits/#{audit}"))
    return results


# ---------------------------------------------------------------------------
# TP4xx: publisher identity
# ---------------------------------------------------------------------------
@check("TP401", "publisher-identity", "Repository, workflow and environment match the registered publisher",
       "The GitHub owner and repository of the git remote, the file name of the workflow that publishes and its "
       "environment are the values registered as the trusted publisher (a mismatch is the usual cause of "
       "`invalid-publisher`).",
       fix_script="publisher_values.py")
def publisher_identity(ctx: Context) -> Outcome:
    s = ctx.subject
    bad, good = [], []
    gh = ctx.repo.github
    if gh:
        owner, repo = gh
        if (owner.lower(), repo.lower()) != (s.owner.lower(), s.repository.lower()):
            bad.append(f"git remote origin is {owner}/{repo}, the publisher names {s.owner}/{s.repository}")
        else:
            good.append(f"repository {owner}/{repo}")
    wf = ctx.pypi_workflow
    publishing_pypi = [w.filename for w in ctx.publishing if any(x.target_index == "pypi" for x in w.publish_steps)]
    if wf is None:
        if publishing_pypi:
            bad.append(f"workflows {', '.join(publishing_pypi)} publish to PyPI, the publisher names {s.workflow}")
        else:
            bad.append(f"no workflow publishes to PyPI; the publisher names {s.workflow}")
    elif wf.filename != s.workflow:
        bad.append(f"{wf.relpath} publishes to PyPI, the publisher names workflow {s.workflow}")
    else:
        good.append(f"workflow {wf.filename}")
        envs = {(_environment_name(pj.job) or "(none)") for pj in ctx.publish_jobs
                if pj.workflow is wf and pj.index == "pypi"}
        if envs != {s.environment} and not all(_is_expression(e) for e in envs):
            bad.append(f"{wf.filename} publishes from environment {', '.join(sorted(envs))}, "
                       f"the publisher names {s.environment}")
        else:
            good.append(f"environment {', '.join(sorted(envs))}")
    if bad:
        return failed("; ".join(bad))
    # TestPyPI has its own publisher; the configuration names its workflow file too.
    testpypi = sorted({pj.workflow.filename for pj in ctx.publish_jobs if pj.index == "testpypi"})
    if testpypi and s.testpypi_workflow not in testpypi:
        return warned(f"{', '.join(testpypi)} publishes to TestPyPI, the TestPyPI publisher is configured as "
                      f"{s.testpypi_workflow} ({', '.join(good)} match)")
    if not gh:
        url = ctx.repo.remote_url()
        origin = f"origin {url} is not on GitHub" if url else "no origin remote"
        return skipped(f"{origin}: owner/repository not compared ({', '.join(good)} match)")
    return passed(", ".join(good) + f" match {s.slug}")


# ---------------------------------------------------------------------------
# TP5xx: versions and tags
# ---------------------------------------------------------------------------
def _release_tags(ctx: Context) -> tuple[Workflow | None, list[Any]]:
    """Local tags that start the PyPI workflow (test tags aside), oldest version first."""
    wf = ctx.pypi_workflow
    trigger = tag_trigger(wf) if wf else None
    if trigger is None:
        return wf, []
    return wf, [t for t in ctx.repo.tags if trigger.matches(t.name) and not TEST_TAG_RE.search(t.name)]


def _tag_version(name: str) -> Any:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(name[1:] if name[:1] in "vV" else name)
    except InvalidVersion:
        return None


@check("TP501", "tag-matches-version", "Each release tag names the version its build produces",
       "For every release tag that starts the PyPI workflow, the version in pyproject.toml at that commit equals "
       "the tag's version (versions derived from git tags, e.g. setuptools-scm or hatch-vcs, are accepted).",
       fix_script="release.py")
def tag_matches_version(ctx: Context) -> Outcome:
    wf, tags = _release_tags(ctx)
    if wf is None:
        return skipped("no workflow publishes to PyPI (see TP102)")
    if tag_trigger(wf) is None:
        return skipped(f"{wf.filename} does not run on tag pushes (see TP103)")
    if not tags:
        return skipped(f"no release tags matching {wf.filename}'s trigger yet")
    from trustpub.pyproject import build_version, parse_pyproject  # here: no TOML parser without release tags

    texts = ctx.repo.show_many([(t.commit, "pyproject.toml") for t in tags])
    bad, notes, ok = [], [], []
    for tag, text in zip(tags, texts):
        version = _tag_version(tag.name)
        if version is None:
            bad.append(f"tag {tag.name} is not a version (PEP 440) but starts {wf.filename}")
            continue
        if text is None:
            notes.append(f"{tag.name}: no pyproject.toml at that commit")
            continue
        try:
            built = build_version(parse_pyproject(text, f"pyproject.toml at {tag.name}"))
        except BadInput as exc:
            bad.append(str(exc).splitlines()[0])
            continue
        if built.kind == "from-tags":
            ok.append(f"{tag.name} (version from the tag via {built.detail})")
        elif built.kind == "static":
            built_version = _tag_version(built.version or "")
            if built_version is None or str(built_version) != str(version):
                bad.append(f"tag {tag.name}, but pyproject.toml at that commit says version {built.version}")
            else:
                ok.append(f"{tag.name} = {built.version}")
        else:
            notes.append(f"{tag.name}: {built.detail or built.kind} (cannot tell what the build produces)")
    if bad:
        return failed(_join(bad))
    if notes:
        return warned(_join(notes))
    return passed(f"{len(ok)} release tag(s) match: {_join(ok[-3:])}")


@check("TP502", "tags-on-pypi", "Every release tag is on PyPI",
       "Every release tag has a release on PyPI, and the newest tag is not behind PyPI's latest version.",
       doc="release-process.md", online=True)
def tags_on_pypi(ctx: Context) -> Outcome:
    fetched = ctx.pypi_project()
    if fetched.not_found:
        return skipped(f"{ctx.subject.project} is not on {ctx.subject.index_name} yet (see TP701)")
    if not fetched.ok:
        return skipped(f"{ctx.subject.index_name} did not answer: {fetched.error}")
    releases = (fetched.data or {}).get("releases")
    if not isinstance(releases, dict):
        return skipped(f"{ctx.subject.json_url} has no releases list")
    wf, tags = _release_tags(ctx)
    if not tags:
        return skipped("no release tags yet")
    on_pypi = {str(v) for v in (_tag_version(k) for k in releases) if v is not None}
    missing = [t.name for t in tags if (v := _tag_version(t.name)) is not None and str(v) not in on_pypi]
    info = fetched.data.get("info") if isinstance(fetched.data.get("info"), dict) else {}
    latest = _tag_version(str(info.get("version", "")))
    versions = [v for v in (_tag_version(t.name) for t in tags) if v is not None]
    newest = max(versions) if versions else None
    bad = []
    if missing:
        bad.append(f"not on {ctx.subject.index_name}: {', '.join(missing[-5:])}"
                   f"{' (and older)' if len(missing) > 5 else ''}")
    if newest is not None and latest is not None and newest < latest:
        bad.append(f"newest tag {newest} is behind {ctx.subject.index_name}'s latest {latest} "
                   f"(git fetch --tags, or tag the release)")
    if bad:
        return failed("; ".join(bad))
    return passed(f"{len(tags)} release tag(s) all on {ctx.subject.index_name}; newest {newest}, latest {latest}")


@check("TP503", "test-tags-cleaned", "Test tags are cleaned up",
       "No `*-test*` tag from trying the setup is left, locally or on the remote (the remote is asked with "
       "`git ls-remote` unless --offline).",
       fix_script="push_test_tag.py")
def test_tags_cleaned(ctx: Context) -> Outcome:
    local = [t.name for t in ctx.repo.tags if TEST_TAG_RE.search(t.name)]
    remote: list[str] = []
    asked = ""
    if ctx.offline:
        asked = " (remote not asked: offline)"
    elif "origin" not in ctx.repo.remotes:
        asked = " (no origin remote)"
    else:
        try:
            remote = [t for t in ctx.repo.remote_tags() if TEST_TAG_RE.search(t)]
        except BadInput as exc:
            asked = f" (remote not reachable: {str(exc).rsplit(': ', 1)[-1]})"
    if local or remote:
        parts = ([f"local: {', '.join(local)}"] if local else []) + ([f"origin: {', '.join(remote)}"] if remote else [])
        return failed("test tags left: " + "; ".join(parts) + asked)
    return passed("no test tags locally" + ("" if asked else " or on origin") + asked)


# ---------------------------------------------------------------------------
# TP6xx: local credentials
# ---------------------------------------------------------------------------
def pypirc_path(ctx: Context) -> tuple[Path, bool]:
    """The .pypirc to read (--pypirc, else $PYPIRC, else ~/.pypirc) and whether it was named explicitly."""
    if ctx.pypirc is not None:
        return ctx.pypirc, True
    if ctx.env.get("PYPIRC"):
        return Path(ctx.env["PYPIRC"]).expanduser(), True
    home = ctx.env.get("HOME") or ctx.env.get("USERPROFILE")
    return (Path(home) if home else Path.home()) / ".pypirc", False


@check("TP601", "no-token-in-pypirc", "No API token in .pypirc",
       "`~/.pypirc` (or `$PYPIRC`, or `--pypirc`) holds no PyPI or TestPyPI API token (`pypi-…`).",
       fix_script="scrub_pypirc.py")
def no_token_in_pypirc(ctx: Context) -> Outcome:
    path, explicit = pypirc_path(ctx)
    label = str(path)
    if not path.exists() and not path.is_symlink():
        if explicit:  # a path the user named and that is not there is a typo, not a clean machine
            read_text(path, label)  # the one-line "no such file" error
        return passed(f"{label}: no such file")
    from trustpub.pypirc import read_pypirc, token_line  # the one .pypirc reader, shared with scrub_pypirc.py

    pypirc = read_pypirc(path)
    found = [f"{label}:{f.line}: [{f.section or '(top)'}] " + (f"{f.key} = " if f.key else "# ")
             + f.redacted for f in pypirc.findings]
    if not found and pypirc.has_token:  # a token where no option or comment is (scrub_pypirc.py reports it too)
        found = [f"{label}:{token_line(pypirc.text)}: {redact(TOKEN_RE.search(pypirc.text).group(0))}"]
    if found:
        return failed(_join(found))
    return passed(f"{label}: no pypi- token ({len(pypirc.sections())} section(s))")


@check("TP602", "no-token-in-env", "No API token in the environment",
       "`TWINE_PASSWORD` (and the other upload tools' token variables) hold no PyPI API token.",
       doc="tokens.md#pypirc")
def no_token_in_env(ctx: Context) -> Outcome:
    found = [f"${name} = {redact(m.group(0))}" for name in TOKEN_ENV_VARS
             if (m := TOKEN_RE.search(ctx.env.get(name) or ""))]
    if found:
        return failed(_join(found) + " (unset it and remove it from your shell profile)")
    return passed(f"none of {', '.join(TOKEN_ENV_VARS[:2])}, ... holds a pypi- token")


# ---------------------------------------------------------------------------
# TP7xx: PyPI
# ---------------------------------------------------------------------------
@check("TP701", "project-exists", "Project exists on PyPI",
       "The project is on the index; if not, this is the pending-publisher case: the publisher is added on the "
       "account's publishing page and the first trusted upload creates the project.",
       fix_script="publisher_values.py", online=True)
def project_exists(ctx: Context) -> Outcome:
    fetched = ctx.pypi_project()
    s = ctx.subject
    if fetched.not_found:
        return failed(f"{s.project} is not on {s.index_name}: add a pending publisher at {s.pending_publisher_url} "
                      f"(it passes after the first trusted upload)")
    if not fetched.ok:
        return skipped(f"{s.index_name} did not answer: {fetched.error}")
    info = fetched.data.get("info") if isinstance(fetched.data.get("info"), dict) else {}
    return passed(f"{s.project_url} (latest {info.get('version', '?')})")


def _latest_files(data: dict) -> tuple[str | None, list[str]]:
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    version = info.get("version")
    files = data.get("urls")
    releases = data.get("releases") if isinstance(data.get("releases"), dict) else {}
    if not isinstance(files, list) or not files:
        files = releases.get(version) or [] if isinstance(version, str) else []
    names = [f["filename"] for f in files if isinstance(f, dict) and isinstance(f.get("filename"), str)
             and f["filename"] and not f.get("yanked")]
    return (str(version) if version else None), names


@check("TP702", "provenance-matches-publisher", "Latest release carries provenance from this publisher",
       "Every file of the latest release has PEP 740 provenance on PyPI's Integrity API, and its publisher names "
       "the expected repository and workflow: the evidence that Trusted Publishing is configured and used.",
       fix_script="publisher_values.py", online=True)
def provenance_matches(ctx: Context) -> Outcome:
    s = ctx.subject
    project = ctx.pypi_project()
    if project.not_found:
        return skipped(f"{s.project} is not on {s.index_name} yet (see TP701)")
    if not project.ok:
        return skipped(f"{s.index_name} did not answer: {project.error}")
    version, files = _latest_files(project.data or {})
    if not version or not files:
        return skipped(f"{s.project} has no files in its latest release")
    answers = ctx.provenance(version, files)
    missing, wrong, ok, unknown = [], [], [], []
    for name, fetched in zip(files, answers):
        if fetched.not_found:
            missing.append(name)
            continue
        if not fetched.ok:
            unknown.append(f"{name}: {fetched.error}")
            continue
        bundles = fetched.data.get("attestation_bundles")
        publishers = [b["publisher"] for b in (bundles if isinstance(bundles, list) else [])
                      if isinstance(b, dict) and isinstance(b.get("publisher"), dict)]
        if not publishers:
            missing.append(name)
            continue
        names = [(str(p.get("repository", "")), str(p.get("workflow", "")), p.get("environment")) for p in publishers]
        expected = (s.slug.lower(), s.workflow)
        if any((r.lower(), w) == expected for r, w, _ in names):
            ok.append(name)
        else:
            r, w, e = names[0]
            wrong.append(f"{name}: provenance names {r} {w}" + (f" (environment {e})" if e else "")
                         + f", expected {s.slug} {s.workflow}")
    if wrong:
        return failed(_join(wrong), fix="publisher_values.py")
    if missing:
        return failed(f"{version}: no provenance for {_join(missing, 2)} (uploaded with a token, or attestations off)",
                      fix="fix_attestations.py")
    if unknown:
        return skipped(f"{s.index_name}'s Integrity API did not answer: {_join(unknown, 1)}")
    return passed(f"{version}: {len(ok)} file(s) attested by {s.slug} {s.workflow}")


# ---------------------------------------------------------------------------
# TP9xx: manual items (the seed's security checklist)
# ---------------------------------------------------------------------------
@check("TP901", "old-token-revoked", "Old API token revoked on PyPI",
       "The API token used before Trusted Publishing is removed on PyPI's token page (a revoked token cannot "
       "upload even if a copy leaked).",
       doc="tokens.md#revoke", manual=True)
def old_token_revoked(ctx: Context) -> Outcome:
    return Outcome("manual", f"confirm on {ctx.subject.token_url} that no token for {ctx.subject.project} is left")


@check("TP902", "github-secret-removed", "Token secret removed from GitHub",
       "No `PYPI_API_TOKEN`-style secret is left in the repository's Actions secrets.",
       doc="tokens.md#github-secret", manual=True)
def github_secret_removed(ctx: Context) -> Outcome:
    return Outcome("manual", f"confirm on {ctx.subject.secrets_url} that no PyPI token secret is left")


@check("TP903", "2fa-enabled", "Two-factor authentication enabled on PyPI",
       "Every maintainer account of the project has two-factor authentication enabled.",
       doc="2fa.md#enable-2fa", manual=True)
def two_factor_enabled(ctx: Context) -> Outcome:
    return Outcome("manual", f"confirm on {ctx.subject.two_factor_url} (PyPI requires 2FA for uploads)")


@check("TP904", "recovery-codes-saved", "Recovery codes saved",
       "The account's two-factor recovery codes are generated and stored somewhere safe, off the machine.",
       doc="2fa.md#recovery-codes", manual=True)
def recovery_codes_saved(ctx: Context) -> Outcome:
    return Outcome("manual", f"confirm on {ctx.subject.recovery_codes_url}")


@check("TP905", "actions-permissions-reviewed", "GitHub Actions permissions reviewed",
       "The repository's Actions settings keep the default GITHUB_TOKEN read-only and the publishing "
       "environment has protection rules (e.g. required reviewers).",
       doc="workflow.md#key-lines", manual=True)
def actions_permissions_reviewed(ctx: Context) -> Outcome:
    return Outcome("manual", f"review {ctx.subject.actions_settings_url} and {ctx.subject.environments_url}")


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------
def select_checks(only: Iterable[str] | None) -> list[Check]:
    if only is None:
        return list(CHECKS)
    wanted = {get_check(name).id for name in only}
    return [c for c in CHECKS if c.id in wanted]


def run_checks(repo: Repo, subject: Subject, *, offline: bool = True, only: Iterable[str] | None = None,
               pypirc: str | os.PathLike | None = None, env: Mapping[str, str] | None = None,
               transport: Any = None, budget: float | None = None) -> list[Result]:
    """Run the selected checks (all by default) and return their results in registry order."""
    checks = select_checks(only)
    ctx = Context(repo, subject, offline=offline, pypirc=pypirc, env=os.environ if env is None else env,
                  transport=transport, budget=budget)
    if any(c.id == "TP301" for c in checks) and repo.workflow_paths():
        ctx.start_zizmor()
    results: list[Result] = []
    try:
        for c in checks:
            if c.online and offline:
                results.append(Result(c.id, c.slug, c.title, c.group, "skip", MSG_OFFLINE, c.fix))
                continue
            outcome = c.func(ctx)
            if isinstance(outcome, list):
                results += outcome
                continue
            assert outcome.status in STATUSES, outcome
            results.append(Result(c.id, c.slug, c.title, c.group, outcome.status,
                                  redact_text(outcome.evidence), outcome.fix or c.fix))
    finally:
        ctx.close()
    return results


def summarize(results: Iterable[Result]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r.status] += 1
    return counts


def exit_code(results: Iterable[Result]) -> int:
    return 1 if any(r.failed for r in results) else 0
