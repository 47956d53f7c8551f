"""The one reading of a repository: git facts and workflows."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustpub.errors import BadInput
from trustpub.repo import Repo, parse_github_remote

SEED = (Path(__file__).parent / "data" / "seed_release.yml").read_text()


@pytest.mark.parametrize("url, expected", [
    ("https://github.com/leok974/mcp-devdiag.git", ("leok974", "mcp-devdiag")),
    ("https://github.com/leok974/mcp-devdiag", ("leok974", "mcp-devdiag")),
    ("git@github.com:leok974/mcp-devdiag.git", ("leok974", "mcp-devdiag")),
    ("ssh://git@github.com/leok974/mcp-devdiag.git", ("leok974", "mcp-devdiag")),
    ("https://x-access-token:abc@github.com/o/r.git", ("o", "r")),
    ("https://gitlab.com/o/r.git", None),
    ("/srv/git/r.git", None),
])
def test_parse_github_remote(url, expected):
    assert parse_github_remote(url) == expected


def test_open_refuses_a_folder_that_is_not_a_repository(tmp_path):
    with pytest.raises(BadInput, match="not a git repository"):
        Repo.open(tmp_path)


def test_open_refuses_a_missing_folder(tmp_path):
    with pytest.raises(BadInput, match="no such directory"):
        Repo.open(tmp_path / "nope")


def test_git_facts(make_repo):
    r = make_repo(owner="acme", name="widget", files={"pyproject.toml": "[project]\nname='w'\nversion='1.0'\n"})
    r.tag("v1.0", "release 1.0")
    r.push("v1.0")
    repo = Repo.open(r.path / "")
    assert repo.github == ("acme", "widget")
    assert [t.name for t in repo.tags] == ["v1.0"]
    assert repo.tags[0].commit == r.git("rev-parse", "HEAD").strip()  # annotated tags peel to the commit
    assert repo.remote_tags() == ["v1.0"]
    assert repo.show("v1.0", "pyproject.toml").startswith("[project]")
    assert repo.show("v1.0", "missing.txt") is None
    assert repo.is_tracked("pyproject.toml") and not repo.is_tracked("nope")
    assert not repo.is_dirty()
    r.write("pyproject.toml", "changed")
    assert repo.is_dirty()


def test_seed_workflow_model(make_repo):
    r = make_repo(files={".github/workflows/release.yml": SEED})
    wf = Repo.open(r.path).workflow("release.yml")
    assert wf.tag_patterns == ["v*"]
    assert list(wf.triggers) == ["push"]
    [step] = wf.publish_steps
    assert (step.job_id, step.ref, step.target_index) == ("pypi-publish", "release/v1", "pypi")
    assert wf.where(wf.data["permissions"], "id-token") == ".github/workflows/release.yml:9"


def test_testpypi_publish_step_is_recognised(make_repo):
    text = SEED.replace("        # No secrets needed with Trusted Publishing!\n",
                        "        with:\n          repository-url: https://test.pypi.org/legacy/\n")
    r = make_repo(files={".github/workflows/pre.yml": text})
    [step] = Repo.open(r.path).workflow("pre.yml").publish_steps
    assert step.target_index == "testpypi"


@pytest.mark.parametrize("text, message", [
    ("on: [push\n", r"pre\.yml:\d+: not valid YAML"),
    ("", "empty workflow file"),
    ("- a\n- b\n", "mapping at the top level"),
    ("on: push\non: tag\n", r"pre\.yml:\d+: not valid YAML"),
])
def test_bad_workflow_yaml_is_one_line_naming_the_file(make_repo, text, message):
    r = make_repo(files={".github/workflows/pre.yml": text})
    with pytest.raises(BadInput, match=message) as exc:
        Repo.open(r.path).workflows
    assert "\n" not in str(exc.value)


def test_binary_workflow_is_refused(make_repo):
    r = make_repo()
    p = r.path / ".github" / "workflows"
    p.mkdir(parents=True)
    (p / "bin.yml").write_bytes(b"on: push\x00\x01")
    with pytest.raises(BadInput, match="binary file"):
        Repo.open(r.path).workflows
