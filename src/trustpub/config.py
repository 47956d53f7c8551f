"""The site's subject, in one place.

Everything that names the package being published (PyPI project, GitHub owner
and repository, workflow file, environment, and which index) is a `Subject`.
Every PyPI and GitHub link is built here from it, so pages, scripts and the
checklist cannot disagree. The index base URLs live only in `INDEXES`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

from trustpub.errors import BadInput

# The only place the package indexes' addresses are written down.
INDEXES: dict[str, str] = {
    "pypi": "https://pypi.org",
    "testpypi": "https://test.pypi.org",
}
# Upload endpoints (what the action's `repository-url` says). PyPI uploads go to
# its own host; a test or mirror index given by TP_INDEX_URL takes uploads at <base>/legacy/.
UPLOAD_URLS: dict[str, str] = {
    "pypi": "https://upload.pypi.org/legacy/",
    "testpypi": "https://test.pypi.org/legacy/",
}
UPLOAD_PATH = "/legacy/"


def pages_url(owner: str, repository: str) -> str:
    """The GitHub Pages address of a repository (a user site, `<owner>.github.io`, lives at the root)."""
    host = f"https://{owner.lower()}.github.io"
    if repository.lower() == f"{owner.lower()}.github.io":
        return host + "/"
    return f"{host}/{repository}/"


def index_host(index: str) -> str:
    """`test.pypi.org` for "testpypi": the host part of the index's base URL."""
    return INDEXES[index].split("://", 1)[1].rstrip("/")


def index_of_url(url: str) -> str:
    """Which index a URL (e.g. the action's `repository-url`) points at; PyPI unless it names TestPyPI."""
    return "testpypi" if index_host("testpypi") in url else "pypi"
GITHUB_URL = "https://github.com"
PYPI_DOCS_URL = "https://docs.pypi.org"
# Overrides the base URL of the configured index, e.g. a local test server.
INDEX_URL_ENV = "TP_INDEX_URL"

DEFAULTS = {
    "project": "mcp-devdiag",
    "owner": "leok974",
    "repository": "mcp-devdiag",
    "workflow": "release.yml",
    "environment": "pypi",
    "testpypi_environment": "testpypi",
    "testpypi_workflow": "testpypi.yml",
    "index": "pypi",
}

_PROJECT_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
_GH_NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$|^[A-Za-z0-9]$")
_WORKFLOW_RE = re.compile(r"^[^/\\]+\.ya?ml$")

MSG_MISSING_KEY = "{source}: extra.tp.{key} is missing; set it to the {what}"
MSG_BAD_VALUE = "{source}: extra.tp.{key} = {value!r} is not a valid {what}"
MSG_UNKNOWN_INDEX = "{source}: extra.tp.index = {value!r} is not a known index; use one of: {known}"
MSG_UNKNOWN_KEY = "{source}: extra.tp.{key} is not a known setting; known: {known}"

_WHAT = {
    "project": "PyPI project name",
    "owner": "GitHub owner (user or organisation)",
    "repository": "GitHub repository name",
    "workflow": "workflow file name (e.g. release.yml, no directory)",
    "environment": "GitHub environment name",
    "testpypi_environment": "GitHub environment name for TestPyPI",
    "testpypi_workflow": "workflow file name that uploads to TestPyPI (e.g. testpypi.yml)",
    "index": "package index",
}


def normalize_project(name: str) -> str:
    """PEP 503 normalised project name, as PyPI's URLs use it."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Subject:
    """The package whose releases move to Trusted Publishing."""

    project: str
    owner: str
    repository: str
    workflow: str = "release.yml"
    environment: str = "pypi"
    testpypi_environment: str = "testpypi"
    index: str = "pypi"
    # The workflow that uploads pre-releases to TestPyPI (its publisher names this file).
    testpypi_workflow: str = "testpypi.yml"
    index_url_override: str | None = field(default=None, compare=False)

    # -- the index -------------------------------------------------------
    @property
    def index_name(self) -> str:
        return "TestPyPI" if self.index == "testpypi" else "PyPI"

    @property
    def index_url(self) -> str:
        base = self.index_url_override or os.environ.get(INDEX_URL_ENV) or INDEXES[self.index]
        return base.rstrip("/")

    def index_link(self, path: str = "") -> str:
        """A link on the configured index: `index_link("/manage/account/")`."""
        return self.index_url + "/" + path.lstrip("/")

    def for_index(self, index: str) -> "Subject":
        if index not in INDEXES:
            raise BadInput(f"unknown index {index!r}; use one of: {', '.join(INDEXES)}")
        return replace(self, index=index)

    @property
    def testpypi_host(self) -> str:
        return index_host("testpypi")

    @property
    def upload_url(self) -> str:
        if self.index_url_override or os.environ.get(INDEX_URL_ENV):
            return self.index_link(UPLOAD_PATH)
        return UPLOAD_URLS[self.index]

    @property
    def project_slug(self) -> str:
        return quote(normalize_project(self.project))

    @property
    def project_url(self) -> str:
        return self.index_link(f"/project/{self.project_slug}/")

    @property
    def publishing_url(self) -> str:
        """The project's trusted-publisher settings (project exists)."""
        return self.index_link(f"/manage/project/{self.project_slug}/settings/publishing/")

    @property
    def pending_publisher_url(self) -> str:
        """Where a pending publisher is added (project not yet on the index)."""
        return self.index_link("/manage/account/publishing/")

    @property
    def token_url(self) -> str:
        """The account's list of API tokens (each has Options -> Remove token)."""
        return self.index_link("/manage/account/#api-tokens")

    @property
    def new_token_url(self) -> str:
        """The page that creates an API token (not the list)."""
        return self.index_link("/manage/account/token/")

    @property
    def organizations_url(self) -> str:
        return self.index_link("/manage/organizations/")

    @property
    def projects_url(self) -> str:
        return self.index_link("/manage/projects/")

    @property
    def collaboration_url(self) -> str:
        return self.index_link(f"/manage/project/{self.project_slug}/collaboration/")

    @property
    def account_url(self) -> str:
        return self.index_link("/manage/account/")

    @property
    def two_factor_url(self) -> str:
        return self.index_link("/manage/account/two-factor/")

    @property
    def recovery_codes_url(self) -> str:
        """Where recovery codes are generated (PyPI has no page at .../recovery-codes/ itself)."""
        return self.index_link("/manage/account/recovery-codes/generate")

    @property
    def recovery_codes_regenerate_url(self) -> str:
        return self.index_link("/manage/account/recovery-codes/regenerate")

    @property
    def recovery_codes_burn_url(self) -> str:
        return self.index_link("/manage/account/recovery-codes/burn")

    @property
    def docs_url(self) -> str:
        """PyPI's own user documentation (the same for both indexes)."""
        return PYPI_DOCS_URL + "/"

    def docs_link(self, path: str) -> str:
        return PYPI_DOCS_URL + "/" + path.lstrip("/")

    @property
    def json_url(self) -> str:
        return self.index_link(f"/pypi/{self.project_slug}/json")

    def version_json_url(self, version: str) -> str:
        return self.index_link(f"/pypi/{self.project_slug}/{quote(version)}/json")

    def release_url(self, version: str) -> str:
        return self.index_link(f"/project/{self.project_slug}/{quote(version)}/")

    def provenance_url(self, version: str, filename: str) -> str:
        return self.index_link(
            f"/integrity/{self.project_slug}/{quote(version)}/{quote(filename)}/provenance"
        )

    # -- GitHub ----------------------------------------------------------
    @property
    def slug(self) -> str:
        return f"{self.owner}/{self.repository}"

    @property
    def repo_url(self) -> str:
        return f"{GITHUB_URL}/{self.owner}/{self.repository}"

    @property
    def actions_url(self) -> str:
        return f"{self.repo_url}/actions"

    @property
    def workflow_runs_url(self) -> str:
        return f"{self.repo_url}/actions/workflows/{self.workflow}"

    @property
    def secrets_url(self) -> str:
        return f"{self.repo_url}/settings/secrets/actions"

    @property
    def environments_url(self) -> str:
        return f"{self.repo_url}/settings/environments"

    @property
    def actions_settings_url(self) -> str:
        return f"{self.repo_url}/settings/actions"

    @property
    def workflow_path(self) -> str:
        return f".github/workflows/{self.workflow}"

    def publisher_form(self, index: str | None = None) -> list[tuple[str, str]]:
        """The exact values of PyPI's 'Add a new publisher' form (GitHub tab)."""
        testpypi = (index or self.index) == "testpypi"
        env = self.testpypi_environment if testpypi else self.environment
        return [
            ("PyPI Project Name", self.project),
            ("Owner", self.owner),
            ("Repository name", self.repository),
            ("Workflow name", self.testpypi_workflow if testpypi else self.workflow),
            ("Environment name", env),
        ]


def subject_from_mapping(values: object, source: str = "mkdocs.yml") -> Subject:
    """Validate the `extra.tp` mapping of a site config; one-line errors name the key."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise BadInput(f"{source}: extra.tp must be a mapping of settings, not {type(values).__name__}")
    known = set(DEFAULTS) | {"badges", "index_url"}
    for key in values:
        if key not in known:
            raise BadInput(MSG_UNKNOWN_KEY.format(source=source, key=key, known=", ".join(sorted(known))))
    merged: dict[str, str] = {}
    for key in DEFAULTS:
        raw = values.get(key, DEFAULTS[key]) if key not in ("project", "owner", "repository") else values.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise BadInput(MSG_MISSING_KEY.format(source=source, key=key, what=_WHAT[key]))
        if not isinstance(raw, str):
            raise BadInput(MSG_BAD_VALUE.format(source=source, key=key, value=raw, what=_WHAT[key]))
        merged[key] = raw.strip()
    if merged["index"] not in INDEXES:
        raise BadInput(MSG_UNKNOWN_INDEX.format(source=source, value=merged["index"], known=", ".join(INDEXES)))
    checks = {
        "project": _PROJECT_RE,
        "owner": _GH_NAME_RE,
        "repository": _GH_NAME_RE,
        "workflow": _WORKFLOW_RE,
        "testpypi_workflow": _WORKFLOW_RE,
        "environment": re.compile(r"^[^\s'\"`,;:\\]+$"),
        "testpypi_environment": re.compile(r"^[^\s'\"`,;:\\]+$"),
    }
    for key, rx in checks.items():
        if not rx.match(merged[key]):
            raise BadInput(MSG_BAD_VALUE.format(source=source, key=key, value=merged[key], what=_WHAT[key]))
    override = values.get("index_url")
    if override is not None and (not isinstance(override, str) or not override.startswith(("http://", "https://"))):
        raise BadInput(MSG_BAD_VALUE.format(source=source, key="index_url", value=override, what="http(s) URL"))
    return Subject(index_url_override=override, **merged)


def find_site_config(start: Path) -> Path | None:
    """The mkdocs.yml of this project (one that has `extra.tp`), if `start` is inside it."""
    for folder in [start, *start.parents]:
        candidate = folder / "mkdocs.yml"
        if candidate.is_file():
            return candidate
    return None


def _load_yaml_data(text: str):
    """Plain data from YAML, unknown tags read as None; libyaml's C loader when there is one (a few ms
    instead of a pure-Python parse: every script reads mkdocs.yml before it does anything)."""
    try:
        import yaml as pyyaml  # PyYAML, installed with MkDocs

        class Loader(pyyaml.CSafeLoader):  # type: ignore[name-defined, misc]
            pass
    except (ImportError, AttributeError):
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=True)
        yaml.constructor.add_multi_constructor("", lambda loader, suffix, node: None)
        return yaml.load(text)
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    return pyyaml.load(text, Loader=Loader)


def load_site_config(path: Path) -> dict:
    """Read mkdocs.yml as data (its `!!python/name` tags are irrelevant to us)."""
    try:
        from yaml import YAMLError
    except ImportError:  # no PyYAML: ruamel reads it (and only then is imported)
        from ruamel.yaml.error import YAMLError
    try:
        # mkdocs.yml may carry `!!python/name:` and `!ENV` tags; read them as None.
        data = _load_yaml_data(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror}") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise BadInput(f"{path}:{where} not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise BadInput(f"{path}: expected a mapping at the top level")
    return data


def subject_from_site_config(path: Path) -> Subject | None:
    """The configured subject of a site, or None when that mkdocs.yml has no `extra.tp`."""
    data = load_site_config(path)
    extra = data.get("extra") or {}
    if not isinstance(extra, dict) or "tp" not in extra:
        return None
    return subject_from_mapping(extra["tp"], source=str(path))
