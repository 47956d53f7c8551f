"""The checklist in a maintainer's CI: the GitHub Action and the pre-commit hook, as copy-paste snippets.

The snippets are built from the repository's own `action.yml` and `.pre-commit-hooks.yaml`
(the hook id, the action's inputs), so the page cannot name an input or a hook that is not there;
tests/test_snippets.py parses them like every other block and tests/test_action.py runs them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit


from macros.toolkit import ROOT, ToolkitSource, project_table
from trustpub.pins import PINS

ACTION_FILE = "action.yml"
HOOKS_FILE = ".pre-commit-hooks.yaml"


def _load(path: Path):
    """The file's data (PyYAML's C loader where it has one: ruamel's pure loader cost ~13 ms a file a build)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def action_slug(source: ToolkitSource) -> str:
    """owner/name of the guide's repository (what `uses:` names)."""
    return "/".join(urlsplit(source.repo_url).path.strip("/").split("/")[:2])


def release_ref(root: Path = ROOT) -> str:
    return f"v{project_table(root).get('version', '0')}"


def action_workflow(source: ToolkitSource, root: Path = ROOT) -> str:
    """A workflow running this guide's action on the caller's repository, findings to code scanning."""
    inputs = _load(root / ACTION_FILE)["inputs"]
    checkout = PINS["actions/checkout"][0]
    assert "repo" in inputs, f"{ACTION_FILE} has no input `repo`"
    return f"""\
name: Trusted Publishing checklist

on:
  push:
    branches: [main]
  pull_request:

permissions: {{}}

jobs:
  checklist:
    runs-on: ubuntu-24.04
    permissions:
      contents: read
      security-events: write  # upload the findings to code scanning
    steps:
      - uses: {checkout.uses} {checkout.comment}
        with:
          persist-credentials: false
          fetch-depth: 0  # the tags, for the version checks
      # Pin to the release's full commit SHA (Dependabot keeps it current), e.g. @<sha> # {release_ref(root)}
      - uses: {action_slug(source)}@{release_ref(root)}
        with:
          repo: .
"""


def hook_config(source: ToolkitSource, root: Path = ROOT) -> str:
    hooks = _load(root / HOOKS_FILE)
    ids = "\n".join(f"      - id: {h['id']}" for h in hooks)
    return f"""\
repos:
  - repo: {source.repo_url.rstrip('/')}
    rev: {release_ref(root)}
    hooks:
{ids}
"""


def ci_section(source: ToolkitSource | str, root: Path = ROOT) -> str:
    source = source if isinstance(source, ToolkitSource) else ToolkitSource(source)
    hooks = _load(root / HOOKS_FILE)
    return f"""\
## In your CI {{ #ci }}

**GitHub code scanning.** This guide's repository is also a GitHub Action (`{ACTION_FILE}`, a composite action
whose own actions are pinned by commit SHA). It runs `trustpub check --format sarif` on your checkout and uploads
the report to code scanning: each failing or warning check becomes an alert at the file and line of its evidence.
Add this workflow to your repository as `.github/workflows/trustpub.yml`:

``` yaml title="trustpub.yml, in your .github/workflows/"
{action_workflow(source, root)}```

The job fails when a check fails (`fail-on-findings: "false"` to only report); `offline: "true"` leaves PyPI out.
The action sets up Python {_load(root / ACTION_FILE)['inputs']['python-version']['default']} for the job.

**pre-commit.** The hook `{hooks[0]['id']}` runs the offline checks (`{hooks[0]['entry']}`) whenever a commit
changes a file in `.github/workflows/`. Add to `.pre-commit-config.yaml`:

``` yaml title=".pre-commit-config.yaml"
{hook_config(source, root)}```

**SARIF for other tools.** `trustpub check --repo . --format sarif > checklist.sarif` writes the same report
(SARIF 2.1.0) for any viewer that reads it.
"""

