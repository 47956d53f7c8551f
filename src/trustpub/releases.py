"""What versions of the project an index has, from its JSON API (one timed request)."""

from __future__ import annotations

from dataclasses import dataclass, field

from packaging.version import InvalidVersion, Version

from trustpub.pypi import fetch_all_sync

INDEX_TIMEOUT = 10.0  # seconds for one request


@dataclass
class IndexVersions:
    index_name: str
    url: str
    exists: bool = False                   # the project is on the index
    versions: list[Version] = field(default_factory=list)
    error: str | None = None               # why there is no answer

    @property
    def latest(self) -> Version | None:
        return max(self.versions) if self.versions else None

    def has(self, version: str) -> bool:
        try:
            wanted = Version(version)
        except InvalidVersion:
            return False
        return wanted in self.versions


def index_versions(subject, index: str, *, transport=None, timeout: float = INDEX_TIMEOUT) -> IndexVersions:
    """Every release (yanked included: its file names stay taken) of `subject.project` on `index`."""
    target = subject.for_index(index)
    result = IndexVersions(target.index_name, target.json_url)
    [res] = fetch_all_sync([target.json_url], timeout=timeout, budget=timeout, transport=transport)
    if res.not_found:
        return result
    if not res.ok or not isinstance(res.data, dict):
        result.error = res.error or "unexpected answer"
        return result
    result.exists = True
    keys = list((res.data.get("releases") or {}).keys())
    info_version = (res.data.get("info") or {}).get("version")
    for key in keys + ([info_version] if info_version else []):
        try:
            v = Version(str(key))
        except InvalidVersion:
            continue
        if v not in result.versions:
            result.versions.append(v)
    return result
