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


# Newest first within each action.
PINS: dict[str, list[Pin]] = {
    "actions/checkout": [
        Pin("actions/checkout", "v5.0.0", "08c6903cd8c0fde910a37f88322edcfb5dd907a8"),
        Pin("actions/checkout", "v4.2.2", "11bd71901bbe5b1630ceea73d27597364c9af683"),
    ],
    "actions/setup-python": [
        Pin("actions/setup-python", "v6.0.0", "e797f83bcb11b83ae66e0230d6156d7c80228e7c"),
        Pin("actions/setup-python", "v5.6.0", "a26af69be951a213d495a4c3e4e4022e16d87065"),
    ],
    "actions/upload-artifact": [
        Pin("actions/upload-artifact", "v4.6.2", "ea165f8d65b6e75b540449e92b4886f43607fa02"),
    ],
    "actions/download-artifact": [
        Pin("actions/download-artifact", "v4.3.0", "d3f86a106a0bac45b974a628896c90dbdf5c8093"),
    ],
    "pypa/gh-action-pypi-publish": [
        Pin("pypa/gh-action-pypi-publish", "v1.13.0", "ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e"),
        Pin("pypa/gh-action-pypi-publish", "v1.12.4", "76f52bc884231f62b9a034ebfe128415bbaabdfc"),
    ],
}

# The artifact pair the split build/publish jobs use (v4 upload must pair with v4 download).
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
