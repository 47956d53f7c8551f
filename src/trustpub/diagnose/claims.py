"""The OIDC token's claims printed in a log, and the publisher values they call for.

The action prints them as a bullet list under a refused exchange; uv as
`OidcTokenClaims { … }` or `GitHub(GitHubTokenClaims { … })`. The `sub` claim has
three shapes: the classic `repo:OWNER/REPO:…`, GitHub's immutable form that appends
the owner's and the repository's ids to their names (`repo:octocat-123456/my-repo-456789:…`,
the default for repositories created, renamed or transferred after 18 June 2026),
and a custom template such as `repository_owner_id:1:repository_id:2:environment:E`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CLAIM_KEYS = ("sub", "repository", "repository_owner", "repository_owner_id", "workflow_ref",
              "job_workflow_ref", "ref", "environment", "aud")
_BULLET_CLAIM_RE = re.compile(r"^\s*[*-]\s*`(?P<key>[a-z_]+)`\s*:\s*`(?P<value>[^`]*)`\s*$", re.MULTILINE)
_UV_BLOCK_RE = re.compile(r"(?:OidcTokenClaims|GitHubTokenClaims)\s*\{(?P<body>[^{}]*)\}", re.DOTALL)
_UV_CLAIM_RE = re.compile(
    r"\b(?P<key>[a-z_]+)\s*:\s*(?:Some\(\s*\"(?P<some>(?:[^\"\\]|\\.)*)\"\s*\)|\"(?P<value>(?:[^\"\\]|\\.)*)\""
    r"|(?P<none>None))")
# Claims pasted as aligned `key:   value` lines (copied from the action's output into prose).
_PLAIN_CLAIM_RE = re.compile(r"^\s*(?P<key>" + "|".join(CLAIM_KEYS) + r"):\s+`?(?P<value>[^\s`]+)`?\s*$", re.MULTILINE)
_MISSING = {"MISSING", ""}
_ID_SUFFIX_RE = re.compile(r"^(?P<name>.+)-(?P<id>\d+)$")
# `@ref` is optional: a paste may quote the claim without it.
_WORKFLOW_REF_RE = re.compile(r"^(?P<owner>[^/]+)/(?P<repo>[^/]+)/\.github/workflows/(?P<file>[^@]+)(?:@(?P<ref>.*))?$")

NOTE_IMMUTABLE_SUB = ("the `sub` claim is GitHub's immutable form ({sub}): the owner's and repository's ids are "
                      "appended to their names; the publisher takes the names ({owner}/{repository})")
NOTE_OTHER_REPO = ("the publishing job runs a reusable workflow of another repository ({other}): PyPI matches "
                   "`job_workflow_ref` against the publisher's workflow file with owner and repository of the caller, "
                   "so a workflow from another repository cannot match; publish from a workflow in {full}")
NOTE_REUSABLE = ("reusable workflow: {caller} calls {called}, which runs the upload; PyPI matches the called file "
                 "(`job_workflow_ref`), so the publisher must name {called}, not {caller}")
NOTE_PULL_REQUEST = "the token comes from a pull_request run: publish on tag pushes instead"


def extract_claims(text: str) -> tuple[dict[str, str | None], str | None]:
    """The OIDC claims printed in a (normalised) log, and in which format ('action', 'uv' or 'plain' lines)."""
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
    if not claims:
        plain = {m.group("key"): m.group("value") for m in _PLAIN_CLAIM_RE.finditer(text)}
        # Two or more claims, one naming the workflow: not a stray `ref: main` line.
        if len(plain) >= 2 and {"job_workflow_ref", "sub"} & set(plain):
            claims = {k: None if v in _MISSING else v for k, v in plain.items()}
            fmt = "plain"
    # A couple of stray bullets are not a claim set: need something that identifies the workflow.
    if not ({"sub", "repository", "job_workflow_ref"} & {k for k, v in claims.items() if v}):
        return {}, None
    return claims, fmt


def parse_sub(sub: str | None) -> dict[str, str]:
    """`repo:OWNER/REPO:environment:ENV`, its immutable-id form, or a custom template, as key/value pairs."""
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


def split_immutable(full: str, owner_id: str | None) -> tuple[str, str] | None:
    """(owner, repository) from `octocat-123456/my-repo-456789` when it is the immutable form, else None.

    Only when the owner's suffix is the token's `repository_owner_id` (or, without it, when both names
    carry a numeric suffix): a repository really named `tool-2024` is not cut.
    """
    if "/" not in full:
        return None
    owner_part, repo_part = full.split("/", 1)
    mo, mr = _ID_SUFFIX_RE.match(owner_part), _ID_SUFFIX_RE.match(repo_part)
    if not (mo and mr):
        return None
    if owner_id and mo.group("id") != owner_id:
        return None
    return mo.group("name"), mr.group("name")


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
    caller_workflow: str | None = None  # the top-level workflow, when a reusable one runs the upload
    other_repository: str | None = None  # the reusable workflow's repository, when not the caller's

    def form(self) -> list[tuple[str, str | None]]:
        """Rows in the order of PyPI's form (labels as `Subject.publisher_form` names them)."""
        return [("Owner", self.owner), ("Repository name", self.repository),
                ("Workflow name", self.workflow), ("Environment name", self.environment)]

    @property
    def reusable(self) -> bool:
        return bool(self.caller_workflow or self.other_repository)


def _file(ref: str) -> str:
    return ref.split("@", 1)[0].rsplit("/", 1)[-1]


def publisher_from_claims(claims: dict[str, str | None], index: str | None = None,
                          index_evidence: str | None = None) -> PublisherValues:
    sub_text = claims.get("sub")
    sub = parse_sub(sub_text)
    notes: list[str] = []
    owner = claims.get("repository_owner")
    repository = None
    full = claims.get("repository")
    if not full and sub.get("repo"):
        full = sub["repo"]
        split = split_immutable(full, claims.get("repository_owner_id"))
        if split:
            full = "/".join(split)
            notes.append(NOTE_IMMUTABLE_SUB.format(sub=sub_text, owner=split[0], repository=split[1]))
    elif full and sub.get("repo") and sub["repo"] != full and split_immutable(sub["repo"],
                                                                              claims.get("repository_owner_id")):
        o, r = full.split("/", 1) if "/" in full else (full, "")
        notes.append(NOTE_IMMUTABLE_SUB.format(sub=sub_text, owner=o, repository=r))
    if full and "/" in full:
        o, repository = full.split("/", 1)
        owner = owner or o
    workflow = other = caller = None
    jwr = claims.get("job_workflow_ref")
    # Without job_workflow_ref (a partial paste), the top-level workflow is the best evidence there is.
    m = _WORKFLOW_REF_RE.match(jwr or claims.get("workflow_ref") or "")
    if m:
        workflow = m.group("file").rsplit("/", 1)[-1]
        if full and f"{m.group('owner')}/{m.group('repo')}".lower() != full.lower():
            other = f"{m.group('owner')}/{m.group('repo')}"
            notes.append(NOTE_OTHER_REPO.format(other=other, full=full))
    wr = claims.get("workflow_ref")
    if wr and jwr and _file(wr) != _file(jwr) and not other:
        caller = _file(wr)
        notes.append(NOTE_REUSABLE.format(caller=caller, called=workflow or _file(jwr)))
    environment = claims.get("environment") or sub.get("environment")
    if sub.get("event") == "pull_request" or sub.get("pull_request"):
        notes.append(NOTE_PULL_REQUEST)
    return PublisherValues(owner=owner, repository=repository, workflow=workflow, environment=environment,
                           index=index, index_evidence=index_evidence, ref=claims.get("ref") or sub.get("ref"),
                           notes=notes, caller_workflow=caller, other_repository=other)
