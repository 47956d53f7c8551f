"""TP114: the publish action's bundled twine against the metadata version the build backend writes."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement

from test_checks import GOOD_RELEASE, SHA, sub
from trustpub.checks import get_check, run_checks
from trustpub.checks.publish_twine import WRITERS, writes_newer_metadata
from trustpub.config import Subject
from trustpub.repo import Repo

SUBJECT = Subject(project="widget", owner="acme", repository="widget")
PIN = f"{SHA} # v1.14.2"


def pyproject(requires: str | None, backend: str | None = "hatchling.build") -> str:
    system = ""
    if backend is not None:
        system = f'[build-system]\nrequires = [{requires!r}]\nbuild-backend = "{backend}"\n\n' if requires else \
            f'[build-system]\nbuild-backend = "{backend}"\n\n'
    return system + '[project]\nname = "widget"\nversion = "1.2.3"\n'


def tp114(make_repo, ref: str, project: str):
    repo = make_repo(files={"pyproject.toml": project, ".github/workflows/release.yml": sub(GOOD_RELEASE, PIN, ref)})
    [result] = run_checks(Repo.open(repo.path), SUBJECT, offline=True, only=["TP114"], env={"HOME": str(repo.path)})
    return result


@pytest.mark.parametrize("ref, requires, status", [
    ("ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e # v1.13.0", "hatchling>=1.24", "fail"),
    ("v1.14.0", "hatchling", "fail"),
    ("v1.14.1", "hatchling>=1.20,<2", "fail"),
    ("0123456789abcdef0123456789abcdef01234567 # v1.14.1", "hatchling>=1.27", "fail"),
    (PIN, "hatchling>=1.24", "pass"),
    ("v1.14.2", "hatchling", "pass"),
    ("release/v1", "hatchling>=1.24", "pass"),
    ("ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e # v1.13.0", "hatchling<1.32", "pass"),
    ("ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e # v1.13.0", "hatchling==1.27.0", "pass"),
    ("0123456789abcdef0123456789abcdef01234567", "hatchling", "warn"),  # unknown SHA, no comment
])
def test_tp114(make_repo, ref, requires, status):
    result = tp114(make_repo, ref, pyproject(requires))
    assert result.status == status, result.evidence
    if status == "fail":
        assert "'2.5' is not a valid metadata version" in result.evidence
        assert "move to pypa/gh-action-pypi-publish v1.14.2" in result.evidence
        assert "dc37677b2e1c63e2034f94d8a5b11f265b73ba33" in result.evidence
        assert result.evidence.startswith(".github/workflows/release.yml:")


@pytest.mark.parametrize("project, words", [
    (pyproject("setuptools>=77", "setuptools.build_meta"), "not known to the checklist"),
    (pyproject(None, None), "no [build-system]"),
])
def test_tp114_never_fails_on_what_it_does_not_know(make_repo, project, words):
    result = tp114(make_repo, "v1.12.4", project)
    assert result.status == "pass" and words in result.evidence and "nothing assumed" in result.evidence


def test_tp114_is_registered_in_the_workflow_group_with_its_fix():
    check = get_check("TP114")
    assert check.group == "workflow" and check.slug == "publish-action-reads-metadata"
    assert check.fix_script == "fix_action_ref.py"


@pytest.mark.parametrize("requirement, expected", [
    ("hatchling", True), ("hatchling>=1.24", True), ("hatchling<1.32", False), ("hatchling<1.32.1", True),
    ("hatchling==1.31.0", False), ("hatchling~=1.27.0", False), ("hatchling~=1.27", True),
    ("hatchling>=1.32,<2", True),
])
def test_which_requirements_can_install_a_backend_writing_2_5(requirement, expected):
    assert writes_newer_metadata(WRITERS["hatchling"], Requirement(requirement)) is expected
