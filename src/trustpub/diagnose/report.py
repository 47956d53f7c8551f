"""The diagnosis as data (`trustpub diagnose --json`, the in-page diagnosis) and the comparison with a configuration.

Pure standard library (with trustpub.config), so it also runs in the browser under Pyodide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from trustpub.config import DEFAULTS, pages_url
from trustpub.diagnose.claims import PublisherValues
from trustpub.diagnose.model import script_of
from trustpub.diagnose.ranking import Diagnosis

INDEX_LABELS = {"pypi": "PyPI", "testpypi": "TestPyPI"}
# The hosted guide (GitHub Pages of the default subject's repository, as the site is published; pyproject's
# Documentation URL says the same), its troubleshooting page, and PyPI's own.
GUIDE_SITE_URL = pages_url(DEFAULTS["owner"], DEFAULTS["repository"])


def guide_url(read_at: str) -> str:
    """The hosted page of a docs path with its anchor: `troubleshooting.md#x` -> `…/troubleshooting/#x`."""
    page, _, anchor = read_at.partition("#")
    path = "" if page == "index.md" else page.removesuffix(".md") + "/"
    return GUIDE_SITE_URL + path + (f"#{anchor}" if anchor else "")


TROUBLESHOOTING_PAGE_URL = guide_url("troubleshooting.md")
PYPI_TROUBLESHOOTING_URL = "https://docs.pypi.org/trusted-publishers/troubleshooting/"


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


def index_links(subject) -> list[dict]:
    """Both indexes' publisher pages, labelled: for when the log does not say which index it uploaded to."""
    return [{"index": name, "label": label, "publishing_url": subject.for_index(name).publishing_url,
             "pending_publisher_url": subject.for_index(name).pending_publisher_url}
            for name, label in INDEX_LABELS.items()]


def report(result: Diagnosis, source: str, rows: list[Row] | None, subject=None, config_source: str | None = None,
           index: str | None = None) -> dict:
    """The diagnosis as data: what `trustpub diagnose --json` prints and what the in-page diagnosis shows.

    `index`: the index to link to (the log's, else the one the caller chose); None: both are linked.
    """
    pub = result.publisher
    matches = []
    for m in result.matches:
        fix, command = result.advice(m)
        matches.append({"id": m.id, "title": m.title, "cause": m.cause, "fix": fix, "script": script_of(command),
                        "command": f"trustpub {command}" if command else None, "section": m.read_at,
                        # Where the log's origin is unknown, the advice for a maintainer's machine too.
                        "local_fix": m.local_fix if result.place is None else None,
                        "local_command": f"trustpub {m.local_command}" if result.place is None and m.local_command
                        else None,
                        "printed_by": m.source, "generic": m.generic, "shown": m in result.shown})
    return {
        "source": source,
        "recognised": result.recognised,
        "matches": matches,
        "claims": result.claims or None,
        "claims_format": result.claims_format,
        "publisher": None if pub is None else {
            "owner": pub.owner, "repository": pub.repository, "workflow": pub.workflow,
            "environment": pub.environment, "index": pub.index, "index_evidence": pub.index_evidence,
            "ref": pub.ref, "notes": pub.notes,
        },
        "index": result.index,
        "index_evidence": result.index_evidence,
        "place": result.place,
        "comparison": None if rows is None else [
            {"field": r.field, "required": r.required, "configured": r.configured, "differs": r.differs}
            for r in rows],
        "configured_from": config_source if subject else None,
        "publishing_url": subject.for_index(index).publishing_url if subject and index else None,
        "pending_publisher_url": subject.for_index(index).pending_publisher_url if subject and index else None,
        "index_links": index_links(subject) if subject and not index else None,
        "troubleshooting_url": TROUBLESHOOTING_PAGE_URL,
    }


# The action's default `repository-url` input, as its log echoes it (text of the log, not a link we build).
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
