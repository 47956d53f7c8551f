"""The action versions the pages name, read from the repository's real workflows.

Every `uses: owner/action@<40-hex sha> # vX.Y.Z` line of `.github/workflows/*.yml`
is a pin. Pages never write a version themselves: they ask `pin_version(action)`
(or show the pins table), so a pin bump in the workflow is a pin bump on every page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from trustpub.errors import BadInput

WORKFLOWS_DIR = ".github/workflows"
RELEASE_WORKFLOW = ".github/workflows/release.yml"
GITHUB_URL = "https://github.com"

# `uses: actions/checkout@08c6...a8 # v5.0.0` (a sub-path such as owner/repo/path@sha is kept whole)
PIN_RE = re.compile(r"^\s*-?\s*uses:\s*(?P<action>[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+)@(?P<sha>[0-9a-f]{40})"
                    r"\s*#\s*(?P<version>v?\d+(?:\.\d+)*\S*)\s*$")

MSG_NOT_PINNED = "pin_version: {path} has no `uses: {action}@<sha> # vX.Y.Z` line (pinned actions there: {known})"
MSG_DISAGREE = "pin_version: {path} pins {action} at different versions ({versions}); name the workflow to read"


class PinError(BadInput):
    """A page asks for the pin of an action the workflow does not pin."""


@dataclass(frozen=True)
class Pin:
    action: str
    sha: str
    version: str
    path: str  # repository-relative workflow path
    line: int

    @property
    def repository(self) -> str:
        """`owner/repo` of the action (an action in a sub-folder lives in its repository)."""
        return "/".join(self.action.split("/")[:2])

    @property
    def release_url(self) -> str:
        """The action's own release page: the authority for what this version is."""
        return f"{GITHUB_URL}/{self.repository}/releases/tag/{self.version}"


def pins_in_text(text: str, path: str) -> list[Pin]:
    pins = []
    for number, line in enumerate(text.splitlines(), 1):
        m = PIN_RE.match(line)
        if m:
            pins.append(Pin(m["action"], m["sha"], m["version"], path, number))
    return pins


def workflow_pins(root: Path, path: str | None = None) -> list[Pin]:
    """The pins of one workflow file, or of every workflow in `.github/workflows/`, in file order."""
    if path is not None:
        files = [root / path]
    else:
        files = sorted((root / WORKFLOWS_DIR).glob("*.yml")) + sorted((root / WORKFLOWS_DIR).glob("*.yaml"))
    pins: list[Pin] = []
    for file in files:
        rel = file.relative_to(root).as_posix()
        try:
            pins.extend(pins_in_text(file.read_text(encoding="utf-8"), rel))
        except (OSError, UnicodeDecodeError) as exc:
            raise PinError(f"pin_version: cannot read {rel}: {getattr(exc, 'strerror', None) or exc}") from None
    return pins


def pin_for(action: str, root: Path, path: str = RELEASE_WORKFLOW) -> Pin:
    """The one pin of `action` in the workflow `path`; fails when it is missing or pinned twice differently."""
    pins = [p for p in workflow_pins(root, path) if p.action == action]
    if not pins:
        known = ", ".join(sorted({p.action for p in workflow_pins(root, path)})) or "none"
        raise PinError(MSG_NOT_PINNED.format(path=path, action=action, known=known))
    if len({(p.sha, p.version) for p in pins}) > 1:
        raise PinError(MSG_DISAGREE.format(path=path, action=action,
                                           versions=", ".join(sorted({p.version for p in pins}))))
    return pins[0]


def with_pins_of(text: str, pins: list[Pin]) -> str:
    """`text` with each pinned `uses:` line of an action in `pins` set to that pin (SHA and version comment).

    The example workflows are shown this way, so a pin bump in release.yml reaches them on the page even
    before their files are edited."""
    latest = {p.action: p for p in pins}
    out = []
    for line in text.splitlines(keepends=True):
        m = PIN_RE.match(line.rstrip("\r\n"))
        if m and m["action"] in latest:
            pin = latest[m["action"]]
            ending = line[len(line.rstrip("\r\n")):]
            line = f"{line[:m.start('action')]}{pin.action}@{pin.sha} # {pin.version}{ending}"
        out.append(line)
    return "".join(out)


def example_workflow(path: str, root: Path) -> str:
    """An example workflow file as a fenced block titled with its path, its pins those of release.yml."""
    from macros.site import _fence_for, read_repo_file
    text = with_pins_of(read_repo_file(path, root), workflow_pins(root, RELEASE_WORKFLOW))
    body = text if text.endswith("\n") else text + "\n"
    fence = _fence_for(text)
    return f'{fence} yaml title="{path}" linenums="1"\n{body}{fence}'


# The workflows a reader copies (the repository's other workflows, such as the one deploying these pages, are not).
READER_WORKFLOWS = (RELEASE_WORKFLOW, ".github/workflows/testpypi.yml")


def pins_table(root: Path, notes: dict[str, str] | None = None, paths: tuple[str, ...] = READER_WORKFLOWS) -> str:
    """Markdown table of the actions pinned in `paths`: version (linked to its release), SHA, where."""
    notes = notes or {}
    by_action: dict[tuple[str, str, str], list[str]] = {}
    for pin in (p for path in paths if (root / path).is_file() for p in workflow_pins(root, path)):
        by_action.setdefault((pin.action, pin.version, pin.sha), [])
        name = Path(pin.path).name
        if name not in by_action[(pin.action, pin.version, pin.sha)]:
            by_action[(pin.action, pin.version, pin.sha)].append(name)
    rows = ["| Action | Version (its release) | Commit SHA | Used by | Notes |", "| --- | --- | --- | --- | --- |"]
    for (action, version, sha), files in by_action.items():
        pin = Pin(action, sha, version, "", 0)
        used = ", ".join(f"`{f}`" for f in files)
        rows.append(f"| `{action}` | [{version}]({pin.release_url}) | `{sha}` | {used} | {notes.get(action, '')} |")
    return "\n".join(rows)


# What a reader should know about each pinned action (no version here but history: the pins are read).
ACTION_NOTES = {
    "actions/checkout": "Runs on Node 24: self-hosted runners need v2.327.1 or newer.",
    "actions/setup-python": "Runs on Node 24: self-hosted runners need v2.327.1 or newer.",
    "actions/upload-artifact": "Upload and download must be the same generation: an artifact uploaded by v4 or "
                               "later cannot be downloaded by v3 or earlier, and the other way round.",
    "actions/download-artifact": "See upload-artifact.",
    "pypa/gh-action-pypi-publish": "Makes and uploads attestations by default (since v1.11.0). Its bundled twine "
                                   "decides which `Metadata-Version` it can upload.",
}


def register(env, root: Path) -> None:
    from macros.site import guarded  # bad input fails the build with one line

    env.macro(guarded(lambda action, path=RELEASE_WORKFLOW: pin_for(action, root, path).version), "pin_version")
    env.macro(guarded(lambda action, path=RELEASE_WORKFLOW: pin_for(action, root, path).sha), "pin_sha")
    env.macro(guarded(lambda action, path=RELEASE_WORKFLOW: pin_for(action, root, path).release_url),
              "pin_release_url")
    env.macro(guarded(lambda: pins_table(root, ACTION_NOTES)), "pins_table")
    env.macro(guarded(lambda path: example_workflow(path, root)), "example_workflow")
