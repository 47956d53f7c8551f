"""TP114: the publish action's own twine can read the metadata the repository's build backend writes.

pypa/gh-action-pypi-publish checks every file with the twine it bundles before
uploading; a twine older than the file's `Metadata-Version` rejects it
(`'2.5' is not a valid metadata version`) after a build that succeeded, and a
`twine check` in the build job, run with the newest twine, does not see it.

What is known, and where it was read:
- hatchling writes `Metadata-Version: 2.5` from 1.32.0 on (its release notes; the
  project's own wheels show it);
- twine reads 2.5 from 7.0.0 on; gh-action-pypi-publish bundles twine 7.0.0 from
  v1.14.2 on (requirements/runtime.txt at dc37677b, see trustpub.pins); v1.14.1
  bundles twine 6.2.0.
Other backends are not judged: the check says what it did not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

from trustpub.checks.base import (Context, Outcome, RECOMMENDED_REF, _join, _no_publish, _where, check,
                                  failed, passed, skipped, warned)
from trustpub.pins import PINS, PUBLISH_ACTION_TWINE

PUBLISH_ACTION = "pypa/gh-action-pypi-publish"


@dataclass(frozen=True)
class MetadataReader:
    metadata_version: str
    action_version: Version   # the first release of the action that reads it
    twine_version: str        # the twine that release bundles


# Metadata-Version -> the first publish action release whose twine reads it.
READERS = {"2.5": MetadataReader("2.5", Version("1.14.2"), PUBLISH_ACTION_TWINE)}


@dataclass(frozen=True)
class Writer:
    backend: str
    first: Version   # the first backend release that writes the metadata version
    metadata_version: str


# Backend requirement name -> the release from which it writes a metadata version the readers list.
WRITERS = {"hatchling": Writer("hatchling", Version("1.32.0"), "2.5")}
# Versions probed against a requirement's specifier: any allowed at or past `first` is what a build
# installs (pip takes the newest allowed), so the build writes the newer metadata.
_PROBES = ("0", "1", "2", "5", "99", "1000")

_VERSION_COMMENT_RE = re.compile(r"#\s*(v?\d+(?:\.\d+){0,2})\b")

MSG_FAIL = ("{where}: {action} {version} bundles a twine older than {twine}, which cannot read the "
            "Metadata-Version {mv} that {backend} writes ({requirement} in pyproject.toml "
            "[build-system]); its upload rejects the files ('{mv}' is not a valid metadata version): "
            "move to {action} v{minimum} ({pin})")
MSG_UNKNOWN_VERSION = ("{where}: cannot tell which release of {action} @{ref} is (no `# v1.x.y` comment, not "
                       "a known pin): it needs v{minimum} or later to upload the Metadata-Version {mv} "
                       "that {backend} writes")
MSG_OK = "{where}: {action} {version} reads Metadata-Version {mv} ({backend} writes it)"
MSG_OLDER_METADATA = ("{backend} ({requirement}) writes metadata older than {mv}; "
                      "every release of the publish action in use reads it")
MSG_NO_BACKEND = ("no [build-system] build-backend in pyproject.toml: the metadata version the build writes "
                  "is not known here; nothing assumed")
MSG_OTHER_BACKEND = ("build backend {backend}: the metadata version it writes is not known to the checklist; "
                     "nothing assumed")


def build_requirement(root: Path) -> tuple[str | None, Requirement | None]:
    """(build-backend, its requirement from [build-system] requires) of the repository's pyproject.toml."""
    from trustpub.pyproject import read_pyproject

    path = root / "pyproject.toml"
    if not path.is_file():
        return None, None
    system = read_pyproject(path).get("build-system") or {}
    backend = system.get("build-backend") if isinstance(system, dict) else None
    if not isinstance(backend, str):
        return None, None
    name = backend.split(".", 1)[0].replace("_", "-")
    for text in (system.get("requires") or []):
        try:
            req = Requirement(str(text))
        except InvalidRequirement:
            continue
        if req.name.lower().replace("_", "-") == name:
            return backend, req
    return backend, None


def writes_newer_metadata(writer: Writer, req: Requirement | None) -> bool:
    """Whether a build may install a release of the backend that writes `writer.metadata_version`."""
    if req is None or not req.specifier:
        return True  # unbounded: the build installs the newest release
    base = writer.first
    probes = [Version(f"{base.major}.{base.minor + int(p)}.0") for p in _PROBES] + [Version("99.0")]
    return any(req.specifier.contains(v, prereleases=False) for v in probes)


def required_action_version(root: Path) -> Version | None:
    """The oldest publish action release that can upload what this repository's build writes (None: any)."""
    backend, req = build_requirement(root)
    writer = WRITERS.get(backend.split(".", 1)[0].replace("_", "-")) if backend else None
    if writer is None or not writes_newer_metadata(writer, req):
        return None
    return READERS[writer.metadata_version].action_version


def action_version(wf, step) -> Version | None:
    """The publish action's release a step runs: its tag, or a SHA's version comment or known pin."""
    ref = step.ref
    if re.fullmatch(r"v?\d+\.\d+\.\d+", ref):
        return Version(ref.lstrip("v"))
    if re.fullmatch(r"[0-9a-f]{40}", ref):
        known = next((p for p in PINS.get(PUBLISH_ACTION, []) if p.sha == ref), None)
        if known is not None:
            return Version(known.version.lstrip("v"))
        line = wf.line(step.step, "uses")
        lines = wf.text.splitlines()
        if 0 < line <= len(lines) and (m := _VERSION_COMMENT_RE.search(lines[line - 1])):
            try:
                version = Version(m.group(1).lstrip("v"))
            except InvalidVersion:
                return None
            return version if len(m.group(1).lstrip("v").split(".")) == 3 else None
    return None


@check("TP114", "publish-action-reads-metadata", "Publish action can read the metadata the build writes",
       "The twine inside `pypa/gh-action-pypi-publish` at the version in use reads the `Metadata-Version` the "
       "repository's build backend writes (hatchling 1.32 and later write 2.5: the action needs v1.14.2 or "
       "later, which bundles twine 7.0.0).",
       fix_script="fix_action_ref.py")
def publish_action_reads_metadata(ctx: Context) -> Outcome:
    if (skip := _no_publish(ctx)):
        return skip
    backend, req = build_requirement(ctx.repo.root)
    if backend is None:
        return passed(MSG_NO_BACKEND)
    name = backend.split(".", 1)[0].replace("_", "-")
    writer = WRITERS.get(name)
    if writer is None:
        return passed(MSG_OTHER_BACKEND.format(backend=backend))
    requirement = str(req) if req is not None else name
    reader = READERS[writer.metadata_version]
    if not writes_newer_metadata(writer, req):
        return passed(MSG_OLDER_METADATA.format(backend=name, requirement=requirement, mv=writer.metadata_version))
    newest = PINS[PUBLISH_ACTION][0]
    bad, unknown, good = [], [], []
    for wf in ctx.publishing:
        for step in wf.publish_steps:
            where = _where(wf, step.step, "uses")
            if step.ref == RECOMMENDED_REF:  # the moving branch: the newest v1 release
                good.append(MSG_OK.format(where=where, action=PUBLISH_ACTION, version=f"@{step.ref}",
                                          mv=writer.metadata_version, backend=name))
                continue
            version = action_version(wf, step)
            if version is None:
                unknown.append(MSG_UNKNOWN_VERSION.format(where=where, action=PUBLISH_ACTION, ref=step.ref[:12],
                                                          minimum=reader.action_version,
                                                          mv=writer.metadata_version, backend=name))
            elif version < reader.action_version:
                bad.append(MSG_FAIL.format(where=where, action=PUBLISH_ACTION, version=f"v{version}",
                                           twine=reader.twine_version, mv=writer.metadata_version,
                                           backend=f"{name} ({writer.first} and later)", requirement=requirement,
                                           minimum=reader.action_version, pin=f"{newest.uses} {newest.comment}"))
            else:
                good.append(MSG_OK.format(where=where, action=PUBLISH_ACTION, version=f"v{version}",
                                          mv=writer.metadata_version, backend=name))
    if bad:
        return failed(_join(bad))
    if unknown:
        return warned(_join(unknown))
    return passed(_join(good))
