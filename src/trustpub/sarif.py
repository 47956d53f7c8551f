"""The checklist's results as SARIF 2.1.0, the format GitHub code scanning reads.

One rule per check (its id, slug, title and what it verifies) and one result per
`fail` or `warn`, at the file and line the evidence names. A result whose
evidence names no file of the repository (a `.pypirc` in the home folder, a
PyPI-side item) is placed on the file it is about for this repository: the
release workflow when it exists, else pyproject.toml, so code scanning can show
it; the message says what it is really about. pass, skip and manual are not
findings and are left out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_URI = "https://pypi.org/project/trustpub/"
LEVELS = {"fail": "error", "warn": "warning"}
# `path:line` (or a bare path) of a repository file as the checks write it in their evidence.
_WHERE_RE = re.compile(r"(?<![\w/.-])(?P<path>[\w.-]+(?:/[\w.-]+)*\.(?:ya?ml|toml|cfg|py|md|txt|in))"
                       r"(?::(?P<line>\d+))?")


def location_of(evidence: str, root: Path, fallbacks: Iterable[str]) -> tuple[str, int]:
    """(repository-relative path, 1-based line) for a result: the first repository file its evidence
    names, else the first fallback that exists (line 1)."""
    for m in _WHERE_RE.finditer(evidence):
        path = m.group("path")
        if (root / path).is_file():
            return path, max(1, int(m.group("line") or 1))
    for path in fallbacks:
        if (root / path).is_file():
            return path, 1
    return "pyproject.toml", 1


def _rule(check) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": check.id,
        "name": check.slug,
        "shortDescription": {"text": check.title},
        "fullDescription": {"text": " ".join(check.verifies.split())},
        "defaultConfiguration": {"level": "error"},
        "properties": {"group": check.group},
    }
    if check.fix:
        rule["help"] = {"text": f"Fix: {check.fix}"}
    return rule


def rule_id(result_id: str) -> str:
    """The rule of a result: its check's id (zizmor's per-audit results `TP301.<audit>` share TP301)."""
    return result_id.split(".", 1)[0]


def to_sarif(results, *, root: Path, workflow_path: str, version: str, fix_hint=None) -> dict[str, Any]:
    """The SARIF log of one checklist run. `fix_hint(fix) -> str` words the fix as the table does."""
    from trustpub.checks import CHECKS

    rules = [_rule(c) for c in CHECKS]
    index = {r["id"]: n for n, r in enumerate(rules)}
    fallbacks = (workflow_path, "pyproject.toml", "setup.cfg", "setup.py")
    findings: list[dict[str, Any]] = []
    for r in results:
        if r.status not in LEVELS:
            continue
        path, line = location_of(r.evidence, root, fallbacks)
        text = f"{r.title}: {r.as_dict()['evidence']}"
        if r.fix and fix_hint is not None:
            text += f" ({fix_hint(r.fix)})"
        finding: dict[str, Any] = {
            "ruleId": rule_id(r.id),
            "level": LEVELS[r.status],
            "message": {"text": text},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": line},
            }}],
            "partialFingerprints": {"trustpubResult/v1": f"{r.id}:{path}"},
            "properties": {"status": r.status, "slug": r.slug},
        }
        if rule_id(r.id) in index:
            finding["ruleIndex"] = index[rule_id(r.id)]
        findings.append(finding)
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": "trustpub", "version": version, "informationUri": TOOL_URI,
                                "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(root).resolve().as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": findings,
        }],
    }
