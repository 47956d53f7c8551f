"""Confirmed commit SHAs for the actions the fix scripts write or pin.

Each SHA was checked against several independent public repositories that pin
the same 40 characters with the same version comment (see /work/scratch/pins.md
and the docs' reference page). A `uses:` is only pinned when its ref is on the
same major line as a confirmed pin here: we never guess a SHA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FULL_SHA_RE = re.compile(r"^[0-9a-f]{40}$")
_MAJOR_RE = re.compile(r"^v?(\d+)(?:\.\d+){0,2}$")


@dataclass(frozen=True)
class Pin:
    action: str
    version: str  # the version comment, e.g. "v4.2.2"
    sha: str

    @property
    def major(self) -> str:
        return self.version.lstrip("v").split(".")[0]

    @property
    def uses(self) -> str:
        return f"{self.action}@{self.sha}"

    @property
    def comment(self) -> str:
        return f"# {self.version}"


# Newest first within each action. Each SHA is the commit the version's tag points to in the action's
# repository, and several independent public repositories pin the same 40 characters with that version
# (docs/reference.md lists where).
PINS: dict[str, list[Pin]] = {
    "actions/checkout": [
        Pin("actions/checkout", "v7.0.1", "3d3c42e5aac5ba805825da76410c181273ba90b1"),
        Pin("actions/checkout", "v5.0.0", "08c6903cd8c0fde910a37f88322edcfb5dd907a8"),
        Pin("actions/checkout", "v4.2.2", "11bd71901bbe5b1630ceea73d27597364c9af683"),
    ],
    "actions/setup-python": [
        Pin("actions/setup-python", "v7.0.0", "5fda3b95a4ea91299a34e894583c3862153e4b97"),
        Pin("actions/setup-python", "v6.0.0", "e797f83bcb11b83ae66e0230d6156d7c80228e7c"),
        Pin("actions/setup-python", "v5.6.0", "a26af69be951a213d495a4c3e4e4022e16d87065"),
    ],
    "actions/upload-artifact": [
        Pin("actions/upload-artifact", "v7.0.0", "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f"),
        Pin("actions/upload-artifact", "v4.6.2", "ea165f8d65b6e75b540449e92b4886f43607fa02"),
    ],
    "actions/download-artifact": [
        Pin("actions/download-artifact", "v8.0.1", "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c"),
        Pin("actions/download-artifact", "v4.3.0", "d3f86a106a0bac45b974a628896c90dbdf5c8093"),
    ],
    "pypa/gh-action-pypi-publish": [
        # v1.14.2 bundles twine 7.0.0 (`twine==7.0.0` in requirements/runtime.txt at this commit): the
        # first release whose upload reads Metadata-Version 2.5 (hatchling >= 1.32 writes it).
        Pin("pypa/gh-action-pypi-publish", "v1.14.2", "dc37677b2e1c63e2034f94d8a5b11f265b73ba33"),
        Pin("pypa/gh-action-pypi-publish", "v1.13.0", "ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e"),
        Pin("pypa/gh-action-pypi-publish", "v1.12.4", "76f52bc884231f62b9a034ebfe128415bbaabdfc"),
    ],
    "github/codeql-action/upload-sarif": [
        Pin("github/codeql-action/upload-sarif", "v4.36.2", "8aad20d150bbac5944a9f9d289da16a4b0d87c1e"),
    ],
}

# The twine the pinned publish action runs for its pre-upload check, and where that was read.
PUBLISH_ACTION_TWINE = "7.0.0"
PUBLISH_ACTION_TWINE_SOURCE = ("pypa/gh-action-pypi-publish requirements/runtime.txt at "
                               "dc37677b2e1c63e2034f94d8a5b11f265b73ba33 (v1.14.2): twine==7.0.0")

# The artifact pair the split build/publish jobs use (upload v7 writes what download v8 reads; v4 pairs
# only with v4).
UPLOAD_ARTIFACT = PINS["actions/upload-artifact"][0]
DOWNLOAD_ARTIFACT = PINS["actions/download-artifact"][0]


def is_full_sha(ref: str) -> bool:
    return bool(FULL_SHA_RE.match(ref))


def major_of(action: str, ref: str) -> str | None:
    """The major version a ref stands for: `v4`, `v4.1.0` -> "4"; `release/v1` of the publish action -> "1"."""
    if action == "pypa/gh-action-pypi-publish" and ref == "release/v1":
        return "1"
    m = _MAJOR_RE.match(ref)
    return m.group(1) if m else None


def pin_for(uses: str) -> Pin | None:
    """The confirmed pin for a `uses:` value on the same major line, or None (then leave it alone)."""
    if "@" not in uses:
        return None
    action, ref = uses.split("@", 1)
    major = major_of(action, ref.strip())
    if major is None:
        return None
    for pin in PINS.get(action.strip(), []):
        if pin.major == major:
            return pin
    return None
