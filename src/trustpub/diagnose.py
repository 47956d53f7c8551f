"""The diagnosis table: the real error messages of a failed Trusted Publishing release.

`MESSAGES` is the single table. `diagnose.py` matches a pasted log against it,
and the site's troubleshooting page renders it (`render_troubleshooting_markdown`),
so every case on the page is one the script recognises and the reverse.

Sources of the texts: pypa/gh-action-pypi-publish `oidc-exchange.py`, PyPI's
(warehouse) `mint-token` view and upload endpoint, `uv publish`, twine, GitHub
Actions itself, and the three cases of the original setup guide.

When a log carries the OIDC token's claims (the action prints them as a bullet
list under a refused exchange; uv as `OidcTokenClaims { … }` or
`GitHubTokenClaims { … }`), `diagnose` turns them into the exact values the
trusted publisher on PyPI/TestPyPI must have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from trustpub.config import UPLOAD_URLS, index_host

# Where a case is explained on PyPI's own documentation (path on docs.pypi.org).
TROUBLESHOOTING_DOC = "/trusted-publishers/troubleshooting/"


@dataclass(frozen=True)
class Message:
    id: str            # stable; the page's anchor and the JSON's `id`
    title: str
    pattern: str       # regex, matched case-insensitively against the whole (normalised) log
    example: str       # the exact text as a user sees it in the log
    cause: str
    fix: str
    script: str | None = None  # the script in scripts/ that carries out the fix
    source: str = ""           # who prints it
    generic: bool = False      # a wrapper line: shown only when nothing more specific matched
    unless: str | None = None  # regex: not this case when it also matches (a more specific sibling)

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.IGNORECASE | re.MULTILINE)

    def matches(self, text: str) -> bool:
        if not self.regex.search(text):
            return False
        return not (self.unless and re.search(self.unless, text, re.IGNORECASE | re.MULTILINE))


ACTION = "pypa/gh-action-pypi-publish"
WAREHOUSE = "PyPI (token exchange, `/_/oidc/mint-token`)"
UPLOAD = "PyPI upload endpoint (via twine, the action or `uv publish`)"
UV = "`uv publish`"
SEED = "the original setup guide"

MESSAGES: list[Message] = [
    Message(
        id="exchange-failure",
        title="Trusted publishing exchange failure",
        pattern=r"Trusted publishing exchange failure",
        example="Error: Trusted publishing exchange failure:",
        cause=("The publish action could not swap the job's OIDC token for a short-lived upload token. "
               "This line only wraps the real reason, which the action prints right after it "
               "(a missing `id-token: write`, a publisher that does not match, …)."),
        fix=("Read the lines after it, or paste the whole log into `diagnose.py`. When the log shows nothing "
             "more, compare the publisher registered on PyPI with the values derived from the repository."),
        script="publisher_values.py", source=ACTION, generic=True,
    ),
    Message(
        id="oidc-permissions",
        title="OpenID Connect token retrieval failed",
        pattern=r"OpenID Connect token retrieval failed",
        unless=r"pull request on a fork",
        example=("Error: Trusted publishing exchange failure:\n"
                 "OpenID Connect token retrieval failed: GitHub: missing or insufficient OIDC token permissions, "
                 "the ACTIONS_ID_TOKEN_REQUEST_TOKEN environment variable was unset\n\n"
                 "This generally indicates a workflow configuration error, such as insufficient\n"
                 "permissions. Make sure that your workflow has `id-token: write` configured\n"
                 "at the job level, e.g.:"),
        cause=("GitHub gave the job no OIDC token: the publishing job lacks `permissions: id-token: write` "
               "(a job-level `permissions:` block replaces the workflow's, so a grant at the top does not "
               "reach a job that has its own block)."),
        fix="Grant `id-token: write` on the publishing job only, and remove it from the workflow level and other jobs.",
        script="fix_id_token.py", source=ACTION,
    ),
    Message(
        id="oidc-fork-pr",
        title="No OIDC token in a pull request from a fork",
        pattern=r"called from a\s+pull request on a fork",
        example=("OpenID Connect token retrieval failed: GitHub: missing or insufficient OIDC token permissions, "
                 "the ACTIONS_ID_TOKEN_REQUEST_TOKEN environment variable was unset\n\n"
                 "The workflow context indicates that this action was called from a\n"
                 "pull request on a fork. GitHub doesn't give these workflows OIDC permissions,\n"
                 "even if `id-token: write` is explicitly configured."),
        cause="The publish step ran for a pull request from a fork; GitHub never gives those runs an OIDC token.",
        fix=("Publish only on events a fork cannot trigger: a pushed tag (as the guide's workflow does), "
             "a published release, or a manual `workflow_dispatch`."),
        script="harden_workflow.py", source=ACTION,
    ),
    Message(
        id="invalid-publisher",
        title="invalid-publisher: no corresponding publisher",
        pattern=r"invalid-publisher",
        example=("Token request failed: the server refused the request for the following reasons:\n\n"
                 "* `invalid-publisher`: valid token, but no corresponding publisher "
                 "(Publisher with matching claims was not found)"),
        cause=("The token is genuine, but no trusted publisher on this index matches its claims: the owner, "
               "repository, workflow **file name** or environment differ; or the publisher is on PyPI while the "
               "upload goes to TestPyPI (or the reverse); or the workflow file was renamed. Other texts in the "
               "parentheses: `All lookup strategies exhausted`, `Check failed for required claim 'sub'`."),
        fix=("Register (or correct) the publisher with exactly the values in the token's claims, on the index the "
             "upload goes to. `diagnose.py` turns the claims printed under the error into those values."),
        script="publisher_values.py", source=WAREHOUSE,
    ),
    Message(
        id="invalid-pending-publisher",
        title="invalid-pending-publisher: project already exists",
        pattern=r"invalid-pending-publisher|valid token, but project already exists",
        example="* `invalid-pending-publisher`: valid token, but project already exists",
        cause=("A *pending* publisher matched the token, but a project of that name already exists on the index "
               "(created by an earlier upload, or by someone else). PyPI deletes the stale pending publisher."),
        fix=("Add the publisher in the existing project's own publishing settings (not as a pending publisher), "
             "and remove any leftover pending publisher for the same workflow from your account."),
        script="publisher_values.py", source=WAREHOUSE,
    ),
    Message(
        id="invalid-payload",
        title="invalid-payload: malformed JWT",
        pattern=r"invalid-payload",
        example="* `invalid-payload`: malformed JWT",
        cause="The index could not read the OIDC token that was sent: not a JWT, or truncated on the way.",
        fix="Re-run the job. If it persists, make sure nothing rewrites the token (a custom exchange script, a proxy).",
        source=WAREHOUSE,
    ),
    Message(
        id="invalid-token",
        title="invalid-token: malformed or invalid token",
        pattern=r"invalid-token",
        example="* `invalid-token`: malformed or invalid token",
        cause=("The OIDC token failed verification: expired, signed for another audience (a different index), "
               "or a clock or runner problem."),
        fix="Re-run the job; check that `repository-url` names the index the publisher is registered on.",
        source=WAREHOUSE,
    ),
    Message(
        id="not-enabled",
        title="not-enabled: trusted publishing switched off",
        pattern=r"not-enabled|trusted publishing functionality not enabled",
        example="* `not-enabled`: GitHub-based trusted publishing functionality not enabled",
        cause="The index has switched Trusted Publishing off for the moment (an incident or maintenance).",
        fix="Wait and re-run; watch https://status.python.org/.",
        source=WAREHOUSE,
    ),
    Message(
        id="audience-retrieval",
        title="audience retrieval failed",
        pattern=r"audience retrieval failed",
        example=("Trusted publishing exchange failure: audience retrieval failed: repository at "
                 "pkgs.example.com does not indicate trusted publishing support"),
        cause=("`repository-url` points at a host that does not offer Trusted Publishing (a typo, a private "
               "index), or the index answered that it has Trusted Publishing disabled."),
        fix=("Leave `repository-url` out for PyPI; for TestPyPI set it to the index's upload URL "
             f"(`{UPLOAD_URLS['testpypi']}`)."),
        source=ACTION,
    ),
    Message(
        id="index-unexpected-response",
        title="The index gave an unexpected response",
        pattern=(r"Token request failed: the index produced an unexpected"
                 r"|Token response error: the index gave us an invalid response"),
        example=("Token request failed: the index produced an unexpected\n503 response.\n\n"
                 "This strongly suggests a server configuration or downtime issue; wait\n"
                 "a few minutes and try again."),
        cause="The index had trouble (downtime, maintenance); nothing in your setup.",
        fix="Wait a few minutes and re-run the failed job; watch https://status.python.org/.",
        source=ACTION,
    ),
    Message(
        id="reusable-workflow",
        title="Publishing from a reusable workflow",
        pattern=r"the calling workflow is a reusable workflow",
        example="The claims in this token suggest that the calling workflow is a reusable workflow.",
        cause=("The publish step runs in a reusable workflow (`workflow_call`). The token then names two "
               "workflows; PyPI does not officially support this and matching can break."),
        fix="Run the publish job in the top-level workflow that the tag triggers, and register that file's name.",
        script="harden_workflow.py", source=ACTION,
    ),
    Message(
        id="environment-protection",
        title="Not allowed to deploy due to environment protection rules",
        pattern=r"is not allowed to deploy to \S+ due to environment protection rules",
        example=('Tag "v1.2.3" is not allowed to deploy to pypi due to environment protection rules.\n'
                 "The deployment was rejected or didn't satisfy other protection rules."),
        cause=("The publishing job's GitHub environment only admits some branches or tags (its *Deployment "
               "branches and tags* rule, often only the default branch), and the release tag is not one of them. "
               "The job never started, so nothing reached the index."),
        fix=("In the repository's Settings → Environments → the environment → Deployment branches and tags, "
             "add a tag rule for the release tags (e.g. `v*`), then re-run the job."),
        source="GitHub Actions",
    ),
    Message(
        id="uv-token-refused",
        title="uv: trusted publishing not correctly configured",
        pattern=r"is trusted publishing correctly configured\?",
        example=("error: Failed to obtain token for trusted publishing\n"
                 "  Caused by: PyPI returned error code 422 Unprocessable Entity, is trusted publishing "
                 "correctly configured?"),
        cause=("The index refused uv's token exchange. The `Response:` line after it names the reason "
               "(usually `invalid-publisher`), and uv prints the token's claims."),
        fix="Register the publisher with exactly the values in the printed claims (`diagnose.py` derives them).",
        script="publisher_values.py", source=UV, generic=True,
    ),
    Message(
        id="uv-oidc-permissions",
        title="uv: is the `id-token: write` permission missing?",
        pattern=r"is the `?id-token: write`? permission missing\?",
        example=("error: Failed to obtain token for trusted publishing\n"
                 "  Caused by: Failed to obtain OIDC token: is the `id-token: write` permission missing?"),
        cause="uv found no OIDC token in the job: the job lacks `permissions: id-token: write`.",
        fix="Grant `id-token: write` on the publishing job.",
        script="fix_id_token.py", source=UV,
    ),
    Message(
        id="uv-no-oidc",
        title="uv: no OIDC token discovered",
        pattern=r"No OIDC token discovered",
        example=("error: Failed to obtain token for trusted publishing\n"
                 "  Caused by: No OIDC token discovered: are you in a supported trusted publishing environment?"),
        cause="`uv publish --trusted-publishing always` ran outside a CI job that can mint OIDC tokens (e.g. locally).",
        fix="Publish from the GitHub Actions workflow; locally, there is nothing to exchange.",
        source=UV,
    ),
    Message(
        id="file-exists",
        title="400 File already exists",
        pattern=r"File already exists",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         File already exists ('example_project-0.2.0.tar.gz', with blake2_256 hash "
                 "'4f2a0c…'). See https://pypi.org/help/#file-name-reuse for more information."),
        cause=("That version is already on the index, and a file name can never be uploaded twice (not even after "
               "deleting it). Typically a tag was pushed without changing the version the build produces, or a "
               "finished release job was re-run."),
        fix=("Release a new version: set it, move the changelog, commit, tag and push in one step. "
             "(`skip-existing: true` is only for re-running a partly failed upload.)"),
        script="release.py", source=UPLOAD,
    ),
    Message(
        id="invalid-auth",
        title="403 Invalid or non-existent authentication information",
        pattern=r"Invalid or non-existent authentication information",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         Invalid or non-existent authentication information. "
                 "See https://pypi.org/help/#invalid-auth for more information."),
        cause=("An API token was used instead of Trusted Publishing, and the index rejected it (revoked, "
               "expired, for the other index, or mistyped): a `password:` input in the workflow, or a token "
               "in `.pypirc` for a local upload."),
        fix=("Drop the token path: remove the `password:` input so the action uses Trusted Publishing, "
             "and remove old tokens from `.pypirc`."),
        script="scrub_pypirc.py", source=UPLOAD,
    ),
    Message(
        id="non-user-new-project",
        title="Non-user identities cannot create new projects",
        pattern=r"Non-user identities cannot create new projects",
        example=("ERROR    HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                 "         Non-user identities cannot create new projects. This was probably caused by "
                 "successfully using a pending publisher but specifying the project name incorrectly (either "
                 "in the publisher or in your project's metadata). Please ensure that both match. "
                 "See: https://docs.pypi.org/trusted-publishers/troubleshooting/"),
        cause=("The pending publisher's project name differs from the name in the distribution's metadata "
               "(`[project].name`): PyPI created an empty project under the publisher's name, and the upload "
               "names another project."),
        fix=("Make the pending publisher's project name and `[project].name` identical (delete the wrongly "
             "named empty project on PyPI, add the pending publisher again)."),
        script="publisher_values.py", source=UPLOAD,
    ),
    Message(
        id="not-allowed-project",
        title="isn't allowed to upload to project",
        pattern=r"isn't allowed to upload to project",
        example=("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
                 "         The user 'alice' isn't allowed to upload to project 'example-project'. "
                 "See https://pypi.org/help/#project-name for more information."),
        cause=("The credential belongs to another project or account: a token scoped to a different project, "
               "or a project name on the index that is not yours."),
        fix=("Use Trusted Publishing with a publisher registered on this very project (or pick a project name "
             "you own)."),
        script="publisher_values.py", source=UPLOAD,
    ),
    Message(
        id="metadata-missing-fields",
        title="Metadata is missing required fields: Name, Version",
        pattern=r"Metadata is missing required fields: Name, Version",
        example="ERROR    InvalidDistribution: Metadata is missing required fields: Name, Version.",
        cause=("An old twine (inside an old pinned version of the publish action) cannot read the newer "
               "Metadata-Version 2.4 that current build backends write (e.g. `license-files`)."),
        fix="Move the publish action to the current `release/v1` (or a current SHA pin of it).",
        script="fix_action_ref.py", source="twine (inside an old gh-action-pypi-publish)",
    ),
    Message(
        id="container-not-linux",
        title="Container action is only supported on Linux",
        pattern=r"Container action is only supported on Linux",
        example="Error: Container action is only supported on Linux",
        cause="The publish action is a Docker container action, and the job runs on a Windows or macOS runner.",
        fix=("Run the publish job on `ubuntu-latest` (or a pinned `ubuntu-24.04`); build wheels for other "
             "systems in other jobs and pass them on as an artifact."),
        script="harden_workflow.py", source="GitHub Actions",
    ),
    Message(
        id="seed-invalid-or-expired-token",
        title="Invalid or expired token",
        pattern=r"Invalid or expired token",
        example="Invalid or expired token",
        cause="The job could not get a valid OIDC token, almost always because it lacks `id-token: write`.",
        fix=("Grant `id-token: write` on the publishing job; make sure Actions are enabled for the repository "
             "and the job runs on a GitHub-hosted Linux runner."),
        script="fix_id_token.py", source=SEED,
    ),
    Message(
        id="seed-project-not-found",
        title="Project not found",
        pattern=r"Project not found",
        example="Project not found",
        cause=("The project does not exist on this index yet and no pending publisher was registered for it, "
               "or the publisher is on the other index."),
        fix=("Register a pending publisher (project name exactly as `[project].name`) on the index the upload "
             "goes to; the first trusted upload then creates the project."),
        script="publisher_values.py", source=SEED,
    ),
]

MESSAGES_BY_ID = {m.id: m for m in MESSAGES}
assert len(MESSAGES_BY_ID) == len(MESSAGES), "duplicate diagnosis ids"

# ---------------------------------------------------------------------------
# Reading a log
# ---------------------------------------------------------------------------

_TIMESTAMP_RE = re.compile(r"^\ufeff?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?", re.MULTILINE)
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_ANNOTATION_RE = re.compile(r"^##\[(?:error|warning|notice|debug)\]|^::(?:error|warning|notice|debug)[^:]*::",
                            re.MULTILINE)


def normalise_log(text: str) -> str:
    """A GitHub Actions log as a reader sees it: no timestamps, colours or `%0A`-encoded annotations."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ANSI_RE.sub("", text)
    text = _TIMESTAMP_RE.sub("", text)
    # `::error::` lines carry newlines as %0A (and % as %25); decode them like the runner does.
    if "%0A" in text or "%0D" in text:
        text = text.replace("%0D", "").replace("%0A", "\n").replace("%25", "%")
    return _ANNOTATION_RE.sub("", text)


CLAIM_KEYS = ("sub", "repository", "repository_owner", "repository_owner_id", "workflow_ref",
              "job_workflow_ref", "ref", "environment")
_BULLET_CLAIM_RE = re.compile(r"^\s*[*-]\s*`(?P<key>[a-z_]+)`\s*:\s*`(?P<value>[^`]*)`\s*$", re.MULTILINE)
_UV_BLOCK_RE = re.compile(r"(?:OidcTokenClaims|GitHubTokenClaims)\s*\{(?P<body>[^{}]*)\}", re.DOTALL)
_UV_CLAIM_RE = re.compile(
    r"\b(?P<key>[a-z_]+)\s*:\s*(?:Some\(\s*\"(?P<some>(?:[^\"\\]|\\.)*)\"\s*\)|\"(?P<value>(?:[^\"\\]|\\.)*)\"|(?P<none>None))")
_MISSING = {"MISSING", ""}


def extract_claims(text: str) -> tuple[dict[str, str | None], str | None]:
    """The OIDC claims printed in a log, and in which format ('action' or 'uv'); ({}, None) when none."""
    claims: dict[str, str | None] = {}
    fmt = None
    for m in _BULLET_CLAIM_RE.finditer(text):
        key = m.group("key")
        if key in CLAIM_KEYS and key not in claims:
            claims[key] = None if m.group("value") in _MISSING else m.group("value")
            fmt = fmt or "action"
    for block in _UV_BLOCK_RE.finditer(text):
        for m in _UV_CLAIM_RE.finditer(block.group("body")):
            key = m.group("key")
            if key not in CLAIM_KEYS or key in claims:
                continue
            value = m.group("some") if m.group("some") is not None else m.group("value")
            claims[key] = None if m.group("none") or value in _MISSING else value.replace('\\"', '"')
            fmt = fmt or "uv"
    # A couple of stray bullets are not a claim set: need something that identifies the workflow.
    if not ({"sub", "repository", "job_workflow_ref"} & {k for k, v in claims.items() if v}):
        return {}, None
    return claims, fmt


def parse_sub(sub: str | None) -> dict[str, str]:
    """`repo:OWNER/REPO:environment:ENV` or the immutable-id form `repository_owner_id:1:repository_id:2:environment:ENV`."""
    if not sub:
        return {}
    parts = sub.split(":")
    found: dict[str, str] = {}
    i = 0
    while i + 1 < len(parts):
        found[parts[i]] = parts[i + 1]
        i += 2
    if len(parts) % 2 == 1 and parts[-1]:
        found.setdefault("event", parts[-1])  # e.g. repo:o/r:pull_request
    return found


_WORKFLOW_REF_RE = re.compile(r"^(?P<owner>[^/]+)/(?P<repo>[^/]+)/\.github/workflows/(?P<file>[^@]+)@(?P<ref>.*)$")


@dataclass
class PublisherValues:
    """What the trusted publisher must say, derived from the token's claims."""

    owner: str | None
    repository: str | None
    workflow: str | None
    environment: str | None            # None: the job declares no environment
    index: str | None                  # "pypi" | "testpypi" | None (the log does not say)
    index_evidence: str | None = None
    ref: str | None = None
    notes: list[str] = field(default_factory=list)

    def form(self) -> list[tuple[str, str | None]]:
        """Rows in the order of PyPI's form (labels as `Subject.publisher_form` names them)."""
        return [("Owner", self.owner), ("Repository name", self.repository),
                ("Workflow name", self.workflow), ("Environment name", self.environment)]


def publisher_from_claims(claims: dict[str, str | None], index: str | None = None,
                          index_evidence: str | None = None) -> PublisherValues:
    sub = parse_sub(claims.get("sub"))
    owner = claims.get("repository_owner")
    repository = None
    full = claims.get("repository") or sub.get("repo")
    if full and "/" in full:
        o, repository = full.split("/", 1)
        owner = owner or o
    workflow = None
    notes: list[str] = []
    jwr = claims.get("job_workflow_ref")
    m = _WORKFLOW_REF_RE.match(jwr or "")
    if m:
        workflow = m.group("file").rsplit("/", 1)[-1]
        if full and f"{m.group('owner')}/{m.group('repo')}" != full:
            notes.append(f"the publishing job runs a workflow of another repository ({m.group('owner')}/"
                         f"{m.group('repo')}): a reusable workflow, which PyPI does not officially support")
    wr = claims.get("workflow_ref")
    if wr and jwr and wr != jwr:
        notes.append(f"reusable workflow: started by {wr.split('@')[0].rsplit('/', 1)[-1]}, published from "
                     f"{(workflow or jwr)}; PyPI matches the workflow named in job_workflow_ref")
    environment = claims.get("environment") or sub.get("environment")
    if "event" in sub and sub["event"] == "pull_request":
        notes.append("the token comes from a pull_request run: publish on tag pushes instead")
    return PublisherValues(owner=owner, repository=repository, workflow=workflow, environment=environment,
                           index=index, index_evidence=index_evidence, ref=claims.get("ref") or sub.get("ref"),
                           notes=notes)


_TESTPYPI_RE = re.compile(r"\b" + re.escape(index_host("testpypi")) + r"\b", re.IGNORECASE)
_PYPI_RE = re.compile(r"upload\.pypi\.org|(?<![\w.-])pypi\.org/(?:legacy|_/oidc|manage|project|simple)", re.IGNORECASE)


def index_from_log(text: str) -> tuple[str | None, str | None]:
    """('testpypi'|'pypi'|None, the line that says so)."""
    for rx, name in ((_TESTPYPI_RE, "testpypi"), (_PYPI_RE, "pypi")):
        m = rx.search(text)
        if m:
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            return name, text[start:end if end != -1 else len(text)].strip()[:160]
    return None, None


@dataclass
class Diagnosis:
    matches: list[Message]                       # every recognised case, specific ones first
    claims: dict[str, str | None] = field(default_factory=dict)
    claims_format: str | None = None
    publisher: PublisherValues | None = None

    @property
    def shown(self) -> list[Message]:
        """What to tell the user: the specific cases, or the wrapper when nothing more specific matched."""
        specific = [m for m in self.matches if not m.generic]
        return specific or list(self.matches)

    @property
    def recognised(self) -> bool:
        return bool(self.matches or self.publisher)

    @property
    def scripts(self) -> list[str]:
        seen: list[str] = []
        for m in self.shown:
            if m.script and m.script not in seen:
                seen.append(m.script)
        return seen


def diagnose(text: str) -> Diagnosis:
    log = normalise_log(text)
    matched = [m for m in MESSAGES if m.matches(log)]
    matched.sort(key=lambda m: m.generic)  # stable: table order within each group
    claims, fmt = extract_claims(log)
    publisher = None
    if claims:
        index, evidence = index_from_log(log)
        publisher = publisher_from_claims(claims, index, evidence)
    return Diagnosis(matches=matched, claims=claims, claims_format=fmt, publisher=publisher)


# ---------------------------------------------------------------------------
# Comparing with the configured publisher
# ---------------------------------------------------------------------------

@dataclass
class Row:
    field: str
    required: str | None     # from the token
    configured: str | None   # from the repository / site configuration
    differs: bool


def compare(publisher: PublisherValues, configured: Iterable[tuple[str, str]] | None) -> list[Row]:
    conf = dict(configured or [])
    rows = []
    for name, value in publisher.form():
        have = conf.get(name)
        differs = have is not None and (value or "") != have
        rows.append(Row(name, value, have, differs))
    return rows


# The action's default `repository-url` input, as its log echoes it (text of the log, not a link we build).
def report(result: Diagnosis, source: str, rows: list[Row] | None, subject=None, config_source: str | None = None,
           index: str | None = None) -> dict:
    """The diagnosis as data: what `diagnose.py --json` prints and what the in-page diagnosis shows.

    Pure standard library (with trustpub.config), so it also runs in the browser under Pyodide.
    """
    pub = result.publisher
    return {
        "source": source,
        "recognised": result.recognised,
        "matches": [{"id": m.id, "title": m.title, "cause": m.cause, "fix": m.fix, "script": m.script,
                     "printed_by": m.source, "generic": m.generic, "shown": m in result.shown}
                    for m in result.matches],
        "claims": result.claims or None,
        "claims_format": result.claims_format,
        "publisher": None if pub is None else {
            "owner": pub.owner, "repository": pub.repository, "workflow": pub.workflow,
            "environment": pub.environment, "index": pub.index, "index_evidence": pub.index_evidence,
            "ref": pub.ref, "notes": pub.notes,
        },
        "comparison": None if rows is None else [
            {"field": r.field, "required": r.required, "configured": r.configured, "differs": r.differs}
            for r in rows],
        "configured_from": config_source if subject else None,
        "publishing_url": subject.for_index(index).publishing_url if subject and index else None,
        "pending_publisher_url": subject.for_index(index).pending_publisher_url if subject and index else None,
    }


ACTION_DEFAULT_REPOSITORY_URL = "https://upload.pypi.org/legacy/"


def example_log(subject, workflow: str = "publish.yml") -> str:
    """A refused exchange as the action prints it: the workflow renamed, no environment (for the docs)."""
    tag = "refs/tags/v0.3.0"
    ref = f"{subject.owner}/{subject.repository}/.github/workflows/{workflow}@{tag}"
    return (
        "Run pypa/gh-action-pypi-publish@release/v1\n"
        "  with:\n"
        f"    repository-url: {ACTION_DEFAULT_REPOSITORY_URL}\n"
        "Error: Trusted publishing exchange failure:\n"
        "Token request failed: the server refused the request for the following reasons:\n\n"
        "* `invalid-publisher`: valid token, but no corresponding publisher (Publisher with matching claims "
        "was not found)\n\n"
        "This generally indicates a trusted publisher configuration error, but could\n"
        "also indicate an internal error on GitHub or PyPI's part.\n\n"
        "The claims rendered below are **for debugging purposes only**. You should **not**\n"
        "use them to configure a trusted publisher unless they already match your expectations.\n\n"
        "If a claim is not present in the claim set, then it is rendered as `MISSING`.\n\n"
        f"* `sub`: `repo:{subject.owner}/{subject.repository}:ref:{tag}`\n"
        f"* `repository`: `{subject.owner}/{subject.repository}`\n"
        f"* `repository_owner`: `{subject.owner}`\n"
        "* `repository_owner_id`: `6154722`\n"
        f"* `workflow_ref`: `{ref}`\n"
        f"* `job_workflow_ref`: `{ref}`\n"
        f"* `ref`: `{tag}`\n"
        "* `environment`: `MISSING`\n"
    )


# ---------------------------------------------------------------------------
# The troubleshooting page
# ---------------------------------------------------------------------------

def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def code_block(text: str, lang: str = "text") -> str:
    fence = _fence(text)
    return f"{fence} {lang}\n{text.rstrip()}\n{fence}"


def render_troubleshooting_markdown(subject, script_link=None) -> str:
    """One section per `MESSAGES` entry: the exact error text, its cause, the fix and the script.

    `script_link(name) -> markdown` makes the link to a script (the site passes its macro);
    by default a link to the script in the subject's repository.
    """
    if script_link is None:
        def script_link(name: str) -> str:
            return f"[`scripts/{name}`]({subject.repo_url}/blob/main/scripts/{name})"
    parts: list[str] = []
    for m in MESSAGES:
        lines = [f"### {m.title} {{ #{m.id} }}", "",
                 f"Printed by {m.source}." if m.source else "", "",
                 code_block(m.example), "",
                 f"**Cause.** {m.cause}", "",
                 f"**Fix.** {m.fix}"]
        if m.script:
            lines[-1] += f" Script: {script_link(m.script)}."
        lines.append("")
        parts.append("\n".join(line for line in lines).replace("\n\n\n", "\n\n"))
    return "\n".join(parts).rstrip() + "\n"
