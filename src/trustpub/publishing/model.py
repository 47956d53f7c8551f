"""The publishing model: how a repository uploads to package indexes, as plain data.

A CI reader (today `trustpub.publishing.github`) fills a `PublishingModel` once
per run; the checks, the fixers and `publisher_values` read it and never parse
workflows for uploads themselves. A second provider (GitLab CI's `id_tokens`)
is one more reader filling the same dataclasses.

Vocabulary:
- `Upload`: one step that uploads distributions (tool, index, auth, where, when).
- `MayUpload`: a step that delegates to something the reader cannot inspect
  (`tox -e release`, `make release`, a reusable workflow in another repository):
  reported, never silently ignored.
- `OidcUse`: a job that needs `id-token: write` for something other than an upload
  (GitHub build attestations, cloud logins), so the permission there is no leak.
- `BrokenFile`: a workflow that could not be read; every other file is still read.
- `Trigger`: one event that starts the upload's job, after the job's `if:` (and the
  conditions of the jobs it needs) narrowed the workflow's `on:`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

# What `Upload.tool` can be.
TOOLS = ("pypa-action", "uv", "twine", "poetry", "pdm", "hatch", "flit", "maturin")
# What `Upload.index` can be: an upload URL or repository name decides; an expression is "unknown".
INDEX_NAMES = ("pypi", "testpypi", "other", "unknown")
AUTH_KINDS = ("trusted", "token")

# The tools whose upload runs in a Docker container action: Linux runners only.
DOCKER_TOOLS = ("pypa-action",)


@dataclass
class Trigger:
    """One event that can start an upload.

    `event` is GitHub's event name (`push`, `release`, `workflow_dispatch`, ...).
    For `push`: `tags` lists the tag filter patterns (`["*"]` for every tag, `[]`
    when tag pushes cannot reach the job) and `branches` the branch patterns
    (`[]` when branch pushes cannot reach it). `types` holds `release: types:`.
    `line` is the line of the event under `on:` in `workflow` (the file whose `on:`
    it is: the caller for a reusable workflow).
    """

    event: str
    workflow: str
    line: int = 0
    tags: list[str] = field(default_factory=list)
    tags_ignore: list[str] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    pattern_lines: dict[str, int] = field(default_factory=dict, repr=False)   # tag pattern -> its line

    def describe(self) -> str:
        if self.event == "push":
            parts = []
            if self.tags or self.tags_ignore:
                tags = ", ".join(self.tags) if self.tags else "*"
                ignore = f" (not {', '.join(self.tags_ignore)})" if self.tags_ignore else ""
                parts.append(f"tag push {tags}{ignore}")
            if self.branches:
                parts.append(f"branch push {', '.join(self.branches)}")
            return " / ".join(parts) or "push"
        if self.event == "release" and self.types:
            return f"release ({', '.join(self.types)})"
        return self.event

    def as_dict(self) -> dict[str, Any]:
        return {"event": self.event, "workflow": self.workflow, "line": self.line, "tags": self.tags,
                "tags_ignore": self.tags_ignore, "branches": self.branches, "types": self.types}


@dataclass
class Upload:
    """One upload step, with everything a check or a fixer needs to judge it.

    Where:
      workflow    path (from the repository root) of the file that holds the step
      job, line   the job id and the 1-based line of the step in that file
      register    the workflow FILE NAME PyPI's publisher must name: the file that
                  holds the step, also when it is a reusable workflow called from this
                  repository (PyPI reads `job_workflow_ref`, which names the called file)
      callers     for a reusable workflow: the chain of callers, outermost first,
                  as "path:job" strings (empty when started directly)
      via_script  the repository script the step runs that holds the upload command
                  (`run: ./release.sh`), else None
    What:
      tool        one of TOOLS
      command     the upload command or `uses:` as written (one line)
      index       one of INDEX_NAMES; `index_url` is the URL or repository name given, if any
      auth        "token" when any password/token reaches the tool, else "trusted";
                  `auth_evidence` says what made it a token upload
      id_token    True when `id-token: write` reaches the job (caller permissions included)
      permissions the job's effective permissions as written (a mapping, "write-all",
                  "read-all"), and `permissions_from` = "job" | "workflow" | "caller" | "default"
      environment the job's environment name as written; None when it declares none;
                  `environment_known` is False when it is an expression
      runs_on     the job's runner labels as written
    When:
      triggers    the events that can start the job (see Trigger); `conditions` holds
                  the `if:` expressions that narrowed them (job, step, needs, caller)
    Hints for package attribution (plain values, read by trustpub.packages):
      working_directory  the step's `working-directory` (or the job's defaults.run)
      packages_dir       pypa-action `packages-dir`, or the path arguments of a CLI upload
      tag_prefixes       literal prefixes of the tag patterns that start it (`core-v`)
      matrix             the job's `strategy.matrix` keys and their listed values
    """

    workflow: str
    job: str
    line: int
    tool: str
    command: str
    index: str
    auth: str
    register: str
    index_url: str | None = None
    auth_evidence: str = ""
    id_token: bool = False
    permissions: Any = None
    permissions_from: str = "default"
    environment: str | None = None
    environment_known: bool = True
    runs_on: list[str] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    callers: list[str] = field(default_factory=list)
    via_script: str | None = None
    working_directory: str | None = None
    packages_dir: str | None = None
    tag_prefixes: list[str] = field(default_factory=list)
    matrix: dict[str, list[str]] = field(default_factory=dict)
    step_inputs: dict[str, Any] = field(default_factory=dict, repr=False)   # pypa/maturin action `with:`
    builds: bool = False   # the upload command builds too (`pdm publish` without --no-build, `flit publish`)
    # Three-valued: may this upload run for (event, ref)? Set by the reader; None = cannot tell.
    may_run: Callable[[str, str, dict], bool | None] | None = field(default=None, repr=False, compare=False)

    @property
    def where(self) -> str:
        return f"{self.workflow}:{self.line}"

    @property
    def label(self) -> str:
        return f"{self.workflow}:{self.job}:{self.line}"

    @property
    def is_pypi_side(self) -> bool:
        """An upload to PyPI or TestPyPI (what Trusted Publishing is about)."""
        return self.index in ("pypi", "testpypi")

    @property
    def trusted(self) -> bool:
        return self.auth == "trusted"

    def runs_for(self, event: str, ref: str = "", extra: dict | None = None) -> bool | None:
        """True: it runs; False: it cannot; None: the conditions could not be decided."""
        if self.may_run is None:
            return None
        if extra:
            return self.may_run(event, ref, extra)
        memo = self.__dict__.setdefault("_runs_memo", {})  # TP201 asks every pair about the same runs
        if (event, ref) not in memo:
            memo[(event, ref)] = self.may_run(event, ref, {})
        return memo[(event, ref)]

    def describe_triggers(self) -> str:
        if not self.triggers:
            return "never started in this repository (reusable workflow with no caller here)" \
                if self.callers == [] and self.register and self.conditions == ["workflow_call"] else "no trigger"
        return "; ".join(dict.fromkeys(t.describe() for t in self.triggers))

    def as_dict(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow, "job": self.job, "line": self.line, "tool": self.tool,
            "command": self.command, "index": self.index, "index_url": self.index_url, "auth": self.auth,
            "auth_evidence": self.auth_evidence, "environment": self.environment,
            "environment_known": self.environment_known, "register": self.register,
            "callers": self.callers, "via_script": self.via_script, "id_token": self.id_token,
            "permissions": _plain(self.permissions), "permissions_from": self.permissions_from,
            "runs_on": self.runs_on, "triggers": [t.as_dict() for t in self.triggers],
            "conditions": self.conditions, "working_directory": self.working_directory,
            "packages_dir": self.packages_dir, "tag_prefixes": self.tag_prefixes, "matrix": self.matrix,
            "builds": self.builds,
        }


@dataclass
class MayUpload:
    """A step that may upload but that the reader cannot inspect (`tox -e release`, `make release`,
    a reusable workflow from another repository). `reason` says why it was not followed."""

    workflow: str
    job: str
    line: int
    command: str
    reason: str

    @property
    def where(self) -> str:
        return f"{self.workflow}:{self.line}"

    def as_dict(self) -> dict[str, Any]:
        return {"workflow": self.workflow, "job": self.job, "line": self.line, "command": self.command,
                "reason": self.reason}


@dataclass
class OidcUse:
    """A job that needs `id-token: write` for something other than an upload (e.g. GitHub build
    attestations with `actions/attest-build-provenance`, which also needs `attestations: write`)."""

    workflow: str
    job: str
    line: int
    what: str


@dataclass
class BrokenFile:
    """A workflow file that could not be read: `line` of the problem (0 when unknown) and the message."""

    workflow: str
    line: int
    message: str


@dataclass
class ReusableCall:
    """A job that calls a reusable workflow: `local` when it is a file of this repository."""

    workflow: str
    job: str
    line: int
    uses: str
    local: bool
    target: str | None = None   # the called file's repository path when local


@dataclass
class PublishingModel:
    """Everything the readers found, for one repository (see the module docstring)."""

    uploads: list[Upload] = field(default_factory=list)
    may_upload: list[MayUpload] = field(default_factory=list)
    oidc_uses: list[OidcUse] = field(default_factory=list)
    broken: list[BrokenFile] = field(default_factory=list)
    calls: list[ReusableCall] = field(default_factory=list)
    provider: str = "github"

    def for_index(self, *indexes: str) -> list[Upload]:
        return [u for u in self.uploads if u.index in indexes]

    @property
    def upload_workflows(self) -> list[str]:
        """Paths of the files that hold an upload or start one (callers included)."""
        found: list[str] = []
        for u in self.uploads:
            found.append(u.workflow)
            found += [c.rsplit(":", 1)[0] for c in u.callers]
        found += [m.workflow for m in self.may_upload]
        return list(dict.fromkeys(found))

    def upload_jobs(self, workflow: str) -> set[str]:
        return {u.job for u in self.uploads if u.workflow == workflow}

    def jobs_needing_id_token(self, workflow: str) -> set[str]:
        """Jobs of `workflow` whose work needs `id-token: write`: trusted uploads, OIDC uses, and
        callers of a reusable workflow that has a trusted upload (the caller grants it)."""
        jobs = {u.job for u in self.uploads if u.workflow == workflow and u.trusted}
        jobs |= {o.job for o in self.oidc_uses if o.workflow == workflow}
        for u in self.uploads:
            if u.trusted:
                jobs |= {c.rsplit(":", 1)[1] for c in u.callers if c.rsplit(":", 1)[0] == workflow}
        return jobs

    def as_list(self) -> list[dict[str, Any]]:
        return [u.as_dict() for u in self.uploads]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


INDEX_LABELS = {"pypi": "PyPI", "testpypi": "TestPyPI", "other": "another index", "unknown": "index unknown"}
MSG_HOW_HEADER = "How this repository publishes"
MSG_HOW_NONE = "  nothing uploads to a package index in .github/workflows"
MSG_HOW_MAY = "  {where} job {job}: `{command}` may upload; not inspected ({reason})"
MSG_HOW_BROKEN = "  {workflow}{line}: not read ({message})"


def describe_upload(u: Upload) -> str:
    """One line: workflow:job:line, tool, index, trusted/token, environment, trigger."""
    env = u.environment if u.environment is not None else "no environment"
    if not u.environment_known:
        env = f"{u.environment} (expression)"
    auth = "trusted" if u.trusted else f"token ({u.auth_evidence})" if u.auth_evidence else "token"
    if u.trusted and not u.id_token:
        auth += ", but no id-token: write"
    via = f" via {u.via_script}" if u.via_script else ""
    called = f", called from {' > '.join(u.callers)}" if u.callers else ""
    register = f", register {u.register}" if u.is_pypi_side else ""
    return (f"  {u.label}: {u.tool}{via} -> {INDEX_LABELS.get(u.index, u.index)}, {auth}, "
            f"environment {env}, on {u.describe_triggers()}{called}{register}")


def describe_model(model: PublishingModel) -> list[str]:
    """The "How this repository publishes" block of the checklist's text output."""
    lines = [MSG_HOW_HEADER]
    lines += [describe_upload(u) for u in model.uploads]
    lines += [MSG_HOW_MAY.format(where=m.where, job=m.job, command=m.command, reason=m.reason)
              for m in model.may_upload]
    lines += [MSG_HOW_BROKEN.format(workflow=b.workflow, line=f":{b.line}" if b.line else "", message=b.message)
              for b in model.broken]
    if not model.uploads and not model.may_upload:
        lines.append(MSG_HOW_NONE)
    return lines
