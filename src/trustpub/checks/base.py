"""Constants, the registry (Check, Result, outcomes) and the one reading of a repository (Context)."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping
from trustpub.config import Subject, normalize_project
from trustpub.errors import BadInput
from trustpub.repo import Repo, Workflow
from trustpub.publishing.model import PublishingModel, Upload
from trustpub import zizmor
from trustpub.secrets import redact_text


STATUSES = ("pass", "fail", "warn", "manual", "skip")
SCHEMA_ID = "tp-checklist/2"

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
    # Evidence that is a list of findings, every one of them: the JSON output's `evidence` is this list
    # (never cut short); the text output shows `evidence`, which may name only the first few.
    items: list[str] | None = None

    def __post_init__(self) -> None:
        # One line, always: evidence can quote workflow values, which may span lines.
        self.evidence = " ".join(self.evidence.split())
        if self.items is not None:
            self.items = [" ".join(str(item).split()) for item in self.items]

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "slug": self.slug, "title": self.title, "group": self.group,
                "status": self.status,
                "evidence": ([redact_text(i) for i in self.items] if self.items else redact_text(self.evidence)),
                "fix": self.fix}


@dataclass
class Outcome:
    """What a check function returns; `run_checks` adds the check's identity."""

    status: str
    evidence: str
    fix: str | None = None  # overrides the check's default fix for this outcome
    items: list[str] | None = None  # every finding, when the evidence is a list (see Result.items)


def passed(evidence: str, items: list[str] | None = None) -> Outcome:
    return Outcome("pass", evidence, None, items)


def failed(evidence: str, fix: str | None = None, items: list[str] | None = None) -> Outcome:
    return Outcome("fail", evidence, fix, items)


def warned(evidence: str, fix: str | None = None, items: list[str] | None = None) -> Outcome:
    return Outcome("warn", evidence, fix, items)


def skipped(reason: str, items: list[str] | None = None) -> Outcome:
    return Outcome("skip", reason, None, items)


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


# Where a subject value came from when a person said it (an option, their [tool.trustpub] table, the
# site's extra.tp): only these are compared with the repository; detected values and assumptions never fail.
REGISTERED_SOURCES = ("--", "pyproject.toml [tool.trustpub]", "mkdocs.yml extra.tp")


@dataclass
class LinkedUpload:
    """One upload step and the package(s) it releases."""

    workflow: Workflow | None   # the workflow that holds the step (None if it could not be read)
    relpath: str
    job: str
    index: str                  # "pypi" | "testpypi" | "other" | "unknown"
    link: Any                   # trustpub.packages.Link


class Context:
    def __init__(self, repo: Repo, subject: Subject, *, offline: bool, pypirc: str | os.PathLike | None,
                 env: Mapping[str, str], transport: Any, budget: float | None = None,
                 sources: Mapping[str, str] | None = None, strict: bool = False,
                 package: Any = None) -> None:
        self.repo = repo
        self.package = package  # the trustpub.packages.Package of `--package`, or None: every package
        self.prefetch_provenance = False  # set by run_checks when TP702 will ask for the files' provenance
        self.subject = subject
        # None: a caller built the Subject on purpose (the API), so every value counts as registered.
        self.sources = dict(sources) if sources is not None else None
        self.strict = strict
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

    def registered(self, key: str) -> str | None:
        """The subject's value for `key` when a person registered it (option, [tool.trustpub], extra.tp)."""
        value = getattr(self.subject, key)
        if self.sources is None:
            return value
        source = self.sources.get(key, "")
        return value if source.startswith(REGISTERED_SOURCES) else None

    # -- workflows -------------------------------------------------------
    @property
    def workflows(self) -> list[Workflow]:
        # No workflow at all is bad input for the checklist command; here TP101 fails and the rest skip.
        # A file that cannot be read is left out here and reported by TP100 (see `model.broken`).
        return self.cached("workflows", lambda: self.repo.workflows_lenient()[0])

    @property
    def model(self) -> PublishingModel:
        """The publishing model, read once per run (see trustpub.publishing)."""
        from trustpub.publishing import read_repo

        return self.cached("model", lambda: read_repo(self.repo))

    @property
    def uploads(self) -> list[Upload]:
        return self.model.uploads

    def workflow_at(self, relpath: str) -> Workflow | None:
        return next((w for w in self.workflows if w.relpath == relpath), None)

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
        """The workflow whose `on:` starts the PyPI upload (the caller's for a reusable workflow): the one
        the registered workflow names, else the only one."""
        starts: list[str] = []
        registered = self.registered("workflow")
        for u in self.model.for_index("pypi"):
            if registered and u.register != registered:
                continue
            starts += [t.workflow for t in u.triggers] or [u.workflow]
        starts = list(dict.fromkeys(starts))
        if len(starts) != 1:
            return None
        return self.workflow_at(starts[0])

    # -- packages ----------------------------------------------------------
    @property
    def packages(self) -> list[Any]:
        """Every Python project of the repository (trustpub.packages.Package), skipped ones marked."""
        from trustpub import packages

        return self.cached("packages", lambda: packages.discover(self.repo))

    def upload_links(self) -> list["LinkedUpload"]:
        """Every upload step with the package it releases (trustpub.packages.Link), read from the publishing
        model's uploads when there is one, else from the workflows' publish steps."""
        from trustpub import packages

        def link_all() -> list[LinkedUpload]:
            found = []
            model = getattr(self, "model", None)
            if model is not None and hasattr(model, "uploads"):
                by_path = {w.relpath: w for w in self.workflows}
                for u in model.uploads:
                    hints = packages.hints_from_upload(u)
                    found.append(LinkedUpload(by_path.get(u.workflow), u.workflow, u.job, u.index,
                                              packages.link_upload(hints, self.packages)))
                return found
            for wf in self.publishing:
                for step in wf.publish_steps:
                    hints = packages.hints_for(wf, step.job_id, step.step, wf.tag_patterns)
                    found.append(LinkedUpload(wf, wf.relpath, step.job_id, step.target_index,
                                              packages.link_upload(hints, self.packages)))
            return found
        return self.cached("upload_links", link_all)

    def released_projects(self) -> list[str]:
        """The PyPI project names the checks ask about: `--package`'s, else the subject's and every package an
        upload step is shown to release (in that order, once each)."""
        if self.package is not None:
            return [self.subject.project]
        names = [self.subject.project]
        for up in self.upload_links():
            if up.link.known and up.index == "pypi":
                names += [p.name for p in up.link.packages if p.name]
        seen: dict[str, str] = {}
        for name in names:
            seen.setdefault(normalize_project(name), name)
        return list(seen.values())

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
    def pypi_project(self, project: str | None = None) -> Any:
        """A project's JSON document as a `Fetched` (the subject's by default). The first call asks for every
        released project at once and, when TP702 runs, each one's latest files' provenance as soon as its JSON
        arrives: one client, one budget, about the time of the slowest chain (see `pypi.fetch_chained`)."""
        from trustpub import pypi

        key = normalize_project(project or self.subject.project)
        if f"pypi_project:{key}" not in self._cache:
            names = [n for n in dict.fromkeys(self.released_projects() + [project or self.subject.project])
                     if f"pypi_project:{normalize_project(n)}" not in self._cache]
            subjects = {replace(self.subject, project=n).json_url: replace(self.subject, project=n) for n in names}
            triples: dict[str, tuple[str, str, str]] = {}

            def follow(fetched: Any) -> list[str]:
                if not self.prefetch_provenance or not fetched.ok or not isinstance(fetched.data, dict):
                    return []
                s = subjects[fetched.url]
                version, files = latest_files(fetched.data)
                urls = []
                for name in files if version else []:
                    url = s.provenance_url(version, name)
                    triples[url] = (s.project, version, name)
                    urls.append(url)
                return urls

            firsts, followed = pypi.fetch_chained_sync(list(subjects), follow, budget=self._remaining(),
                                                       transport=self.transport)
            for name, fetched in zip(names, firsts):
                self._cache[f"pypi_project:{normalize_project(name)}"] = _expect_object(fetched)
            for url, fetched in followed.items():
                self._cache[f"provenance:{triples[url]}"] = _expect_object(fetched)
        return self._cache[f"pypi_project:{key}"]

    def provenance_many(self, wanted: list[tuple[str, str, str]]) -> list[Any]:
        """Provenance answers for (project, version, filename) triples, all in one concurrent round."""
        missing = [w for w in dict.fromkeys(wanted) if f"provenance:{w}" not in self._cache]
        urls = [replace(self.subject, project=p).provenance_url(v, f) for p, v, f in missing]
        for triple, fetched in zip(missing, self._fetch(urls)):
            self._cache[f"provenance:{triple}"] = _expect_object(fetched)
        return [self._cache[f"provenance:{w}"] for w in wanted]

    def provenance(self, version: str, filenames: list[str]) -> list[Any]:
        return self.provenance_many([(self.subject.project, version, name) for name in filenames])

    def _remaining(self) -> float:
        """What is left of the run's one budget for PyPI (it starts with the first request)."""
        from trustpub import pypi  # httpx is imported only when PyPI is asked (keeps --offline fast)

        started = self._cache.setdefault("pypi_started", time.monotonic())
        budget = self.budget if self.budget is not None else pypi.DEFAULT_BUDGET
        return max(0.1, budget - (time.monotonic() - started))

    def _fetch(self, urls: list[str]) -> list[Any]:
        from trustpub import pypi

        remaining = self._remaining()
        return pypi.fetch_all_sync(urls, budget=remaining, transport=self.transport)


def latest_files(data: dict) -> tuple[str | None, list[str]]:
    """(latest version, its files not yanked) of a project's JSON document."""
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    version = info.get("version")
    files = data.get("urls")
    releases = data.get("releases") if isinstance(data.get("releases"), dict) else {}
    if not isinstance(files, list) or not files:
        files = releases.get(version) or [] if isinstance(version, str) else []
    names = [f["filename"] for f in files if isinstance(f, dict) and isinstance(f.get("filename"), str)
             and f["filename"] and not f.get("yanked")]
    return (str(version) if version else None), names


def _expect_object(fetched: Any) -> Any:
    """An answer whose JSON is not an object (PyPI's documents all are) counts as no answer."""
    if fetched.error is None and not isinstance(fetched.data, dict):
        fetched.error, fetched.data = f"unexpected JSON ({type(fetched.data).__name__}, not an object)", None
    return fetched

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


MSG_NO_UPLOAD = "no workflow step uploads to PyPI or TestPyPI (see TP102)"


def _no_publish(ctx: Context) -> Outcome | None:
    """A skip when nothing uploads to PyPI or TestPyPI (TP102 reports that)."""
    if not ctx.model.for_index("pypi", "testpypi", "unknown"):
        return skipped(MSG_NO_UPLOAD)
    return None


def _pypi_uploads(ctx: Context) -> list[Upload]:
    """The uploads Trusted Publishing is about: to PyPI, TestPyPI, or an index given by an expression."""
    return ctx.model.for_index("pypi", "testpypi", "unknown")


def _join(items: list[str], limit: int = 3) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")


def _registered_environment(ctx: Context, index: str) -> str | None:
    """The environment registered on the index's publisher, when a person said which."""
    return ctx.registered("testpypi_environment" if index == "testpypi" else "environment")


def _registered_workflow(ctx: Context, index: str) -> str | None:
    return ctx.registered("testpypi_workflow" if index == "testpypi" else "workflow")


