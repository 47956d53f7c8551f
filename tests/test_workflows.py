"""The repository's own workflows: zizmor, the GitHub workflow schema, and the Trusted Publishing rules.

release.yml: build without id-token; publish in a separate job with an environment and
job-level id-token only; distributions passed as an artifact; no password/token input;
attestations not disabled; every action pinned. Its tag patterns and testpypi.yml's can
never match the same tag. docs.yml: strict build, Pages deploy on push, schedule, dispatch.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from trustpub.config import UPLOAD_URLS, load_site_config

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PUBLISH_ACTION = "pypa/gh-action-pypi-publish"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def tool(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    assert found, f"{name} is not installed (it is a test dependency)"
    return found


def load(name: str) -> dict:
    return YAML(typ="safe", pure=True).load((WORKFLOWS / name).read_text(encoding="utf-8"))


def steps_using(job: dict, action: str) -> list[dict]:
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).split("@")[0] == action]


def github_filter_regex(pattern: str) -> re.Pattern[str]:
    """GitHub's filter pattern syntax as a regex: `*` (no `/`), `**`, `?`/`+` (of the preceding
    character), `[...]` classes, `\\` escapes; everything else literal."""
    out, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out, i = out + ".*", i + 2
            continue
        if c == "*":
            out += "[^/]*"
        elif c in "?+":
            out += c
        elif c == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i:end + 1], end + 1
            continue
        elif c == "\\":
            out, i = out + re.escape(pattern[i + 1]), i + 2
            continue
        else:
            out += re.escape(c)
        i += 1
    return re.compile(out + r"\Z")


def runs_on_tag(workflow: dict, tag: str) -> bool:
    patterns = workflow["on"]["push"].get("tags", [])
    return any(github_filter_regex(p).match(tag) for p in patterns)


@pytest.fixture(scope="module")
def site_tp() -> dict:
    return load_site_config(ROOT / "mkdocs.yml")["extra"]["tp"]


# -- general audits ------------------------------------------------------------

def test_zizmor_offline_finds_nothing():
    res = subprocess.run([tool("zizmor"), "--offline", str(ROOT / ".github")], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "No findings to report" in res.stdout + res.stderr


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_workflow_matches_the_github_schema(name):
    res = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                          str(WORKFLOWS / name)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr


def test_dependabot_config_matches_its_schema_and_watches_actions():
    path = ROOT / ".github" / "dependabot.yml"
    res = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.dependabot", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    updates = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))["updates"]
    assert any(u["package-ecosystem"] == "github-actions" and u["directory"] == "/" for u in updates)


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_action_is_pinned_to_a_commit_with_its_version(name):
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)(.*)", text)
    assert uses
    for ref, rest in uses:
        if ref == "./":  # this repository's own action, at the commit the workflow runs (checklist.yml)
            continue
        assert PINNED.match(ref), f"{name}: {ref} is not pinned to a full commit SHA"
        assert re.match(r"\s*# v\d+\.\d+\.\d+\s*$", rest), f"{name}: {ref} has no `# vX.Y.Z` comment"


# -- release.yml and testpypi.yml: the Trusted Publishing layout ----------------

@pytest.mark.parametrize("name, index", [("release.yml", "pypi"), ("testpypi.yml", "testpypi")])
def test_publishing_layout(name, index, site_tp):
    wf = load(name)
    assert wf.get("permissions") == {}, "the workflow itself grants nothing"
    jobs = wf["jobs"]
    publishers = [job_id for job_id, job in jobs.items() if steps_using(job, PUBLISH_ACTION)]
    assert len(publishers) == 1, publishers
    publish = jobs[publishers[0]]
    builders = [job_id for job_id in jobs if job_id not in publishers]

    # Only the publish job may mint an OIDC token, and it gets nothing else.
    assert publish["permissions"] == {"id-token": "write"}
    for job_id in builders:
        assert "id-token" not in (jobs[job_id].get("permissions") or {}), f"{name}: job {job_id} has id-token"
        assert jobs[job_id].get("permissions") == {"contents": "read"}

    # The environment registered on the index.
    env = publish["environment"]["name"] if isinstance(publish["environment"], dict) else publish["environment"]
    assert env == (site_tp["environment"] if index == "pypi" else site_tp["testpypi_environment"])
    assert name == (site_tp["workflow"] if index == "pypi" else site_tp["testpypi_workflow"])

    # Separate jobs; the distributions travel as an artifact; the publish job runs no project code.
    assert set(publish["needs"] if isinstance(publish["needs"], list) else [publish["needs"]]) == set(builders)
    [upload] = [s for job_id in builders for s in steps_using(jobs[job_id], "actions/upload-artifact")]
    [download] = steps_using(publish, "actions/download-artifact")
    assert upload["with"]["name"] == download["with"]["name"]
    assert not steps_using(publish, "actions/checkout") and not any("run" in s for s in publish["steps"])
    assert [s.get("uses", "").split("@")[0] for s in publish["steps"]][-1] == PUBLISH_ACTION
    assert "ubuntu" in publish["runs-on"]  # a container action: Linux runners only

    # No token path, attestations left on, and the right index.
    [step] = steps_using(publish, PUBLISH_ACTION)
    inputs = step.get("with") or {}
    assert not {"password", "user", "username"} & set(inputs)
    assert "secrets." not in (WORKFLOWS / name).read_text(encoding="utf-8")
    assert inputs.get("attestations", True) is True
    if index == "pypi":
        assert "repository-url" not in inputs
    else:
        assert inputs["repository-url"] == UPLOAD_URLS["testpypi"]


FINAL = ["v0.1.0", "v1.2.3", "v10.20.30", "v2024.1.15"]
PRE = ["v1.2.3a1", "v1.2.3b2", "v1.2.3rc1", "v1.2.3rc10", "v1.2.3.dev4", "v0.2.1-test", "v0.2.1-test1",
       "v0.2.1-test-2"]
NEITHER = ["1.2.3", "v1.2", "latest", "v1.2.3.post1", "release-1.2.3", "v1.2.3/rc1", "vx.y.z"]


def test_filter_translation_follows_github_syntax():
    assert github_filter_regex("v[0-9]+.[0-9]+.[0-9]+").match("v12.3.45")
    assert not github_filter_regex("v[0-9]+.[0-9]+.[0-9]+").match("v1x2.3")  # `.` is literal
    assert github_filter_regex("v*").match("v1.2.3-test1") and not github_filter_regex("v*").match("v1/2")
    assert github_filter_regex("v**").match("v1/2") and github_filter_regex("v1?.0").match("v.0")


@pytest.mark.parametrize("tag", FINAL + PRE + NEITHER)
def test_a_tag_starts_at_most_one_publishing_workflow_and_the_right_one(tag):
    release, testpypi = runs_on_tag(load("release.yml"), tag), runs_on_tag(load("testpypi.yml"), tag)
    assert not (release and testpypi), f"{tag} would publish to both PyPI and TestPyPI"
    assert release == (tag in FINAL), f"{tag}: release.yml {'runs' if release else 'does not run'}"
    assert testpypi == (tag in PRE), f"{tag}: testpypi.yml {'runs' if testpypi else 'does not run'}"


def test_the_seed_tag_pattern_would_have_overlapped():
    """The check can fail: the original guide's `v*` matches a test tag meant for TestPyPI."""
    seed = {"on": {"push": {"tags": ["v*"]}}}
    assert runs_on_tag(seed, "v0.2.1-test") and runs_on_tag(load("testpypi.yml"), "v0.2.1-test")


# -- docs.yml ---------------------------------------------------------------------

def test_docs_workflow_builds_strict_and_deploys_on_push_schedule_and_dispatch():
    wf = load("docs.yml")
    on = wf["on"]
    assert on["push"]["branches"] == ["main"] and on["schedule"] and "workflow_dispatch" in on
    assert wf.get("permissions") == {}
    runs = "\n".join(s.get("run", "") for job in wf["jobs"].values() for s in job["steps"])
    assert "mkdocs build --strict" in runs
    deploy = [job for job in wf["jobs"].values() if steps_using(job, "actions/deploy-pages")]
    assert len(deploy) == 1
    assert deploy[0]["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy[0]["environment"]["name"] == "github-pages"
    for job in wf["jobs"].values():
        if job is not deploy[0]:
            assert "id-token" not in (job.get("permissions") or {})
