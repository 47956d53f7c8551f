"""publisher_values.py: the publisher form's values from the repository, compared with the configured ones."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from wf_helpers import PYPROJECT, ROOT, SUBJECT, WF, file_bytes, run_script, seed_text, status

SCRIPT = "publisher_values.py"
TESTPYPI = ".github/workflows/testpypi.yml"
HARDENED = (ROOT / ".github/workflows/release.yml").read_text()
TESTPYPI_TEXT = (ROOT / TESTPYPI).read_text()


def rows(stdout: str) -> dict[str, list[str]]:
    """Field -> [from the repository, configured, mark] of the first table."""
    found: dict[str, list[str]] = {}
    for line in stdout.splitlines():
        for field in ("PyPI Project Name", "Owner", "Repository name", "Workflow name", "Environment name"):
            if line.startswith("  " + field) and field not in found:
                cells = line[len(field) + 2:].split()
                found[field] = cells
    return found


@pytest.fixture
def repo(make_repo):
    return make_repo(files={WF: HARDENED, TESTPYPI: TESTPYPI_TEXT, "pyproject.toml": PYPROJECT})


def test_matching_values_exit_0_with_publishing_link(repo):
    res = run_script(SCRIPT, repo.path, "--offline")
    assert res.returncode == 0, res.stderr
    table = rows(res.stdout)
    assert table["Owner"] == ["acme", "acme"]
    assert table["Repository name"] == ["widget", "widget"]
    assert table["Workflow name"] == ["release.yml", "release.yml"]
    assert table["Environment name"] == ["pypi", "pypi"]
    assert "Enter them at https://pypi.org/manage/project/widget/settings/publishing/" in res.stdout
    # The TestPyPI workflow gets its own table and link.
    assert "TestPyPI publisher (Add a new publisher > GitHub) for .github/workflows/testpypi.yml:" in res.stdout
    assert "https://test.pypi.org/manage/project/widget/settings/publishing/" in res.stdout
    assert "<-- differs" not in res.stdout
    assert status(repo.path, "publisher-identity") == "pass"


def test_differences_are_marked_and_exit_1(repo):
    res = run_script(SCRIPT, repo.path, "--offline", "--environment", "release", "--owner", "someone-else")
    assert res.returncode == 1, res.stderr
    table = rows(res.stdout)
    assert table["Environment name"] == ["pypi", "release", "<--", "differs"]
    assert table["Owner"] == ["acme", "someone-else", "<--", "differs"]
    assert table["Workflow name"] == ["release.yml", "release.yml"]
    assert "3 value(s) differ: change the publisher on PyPI and TestPyPI" in res.stdout  # owner on both
    configured = dataclasses.replace(SUBJECT, environment="release", owner="someone-else")
    assert status(repo.path, "publisher-identity", configured) == "fail"
    # Registering what the script printed makes the checklist item pass.
    printed = dataclasses.replace(SUBJECT, owner=table["Owner"][0], environment=table["Environment name"][0])
    assert status(repo.path, "publisher-identity", printed) == "pass"


def test_workflow_without_environment_differs(make_repo):
    repo = make_repo(files={WF: seed_text(), "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--offline")
    assert res.returncode == 1
    assert rows(res.stdout)["Environment name"] == ["(none)", "pypi", "<--", "differs"]
    assert status(repo.path, "publisher-identity") == "fail"


def test_site_config_is_the_configured_source(make_repo):
    site = ("site_name: x\nextra:\n  tp:\n    project: widget\n    owner: acme\n    repository: gadget\n"
            "    workflow: publish.yml\n    environment: pypi\n")
    repo = make_repo(files={WF: HARDENED, "pyproject.toml": PYPROJECT, "mkdocs.yml": site})
    res = run_script(SCRIPT, repo.path, "--offline")
    assert res.returncode == 1
    table = rows(res.stdout)
    assert table["Repository name"] == ["widget", "gadget", "<--", "differs"]
    assert table["Workflow name"] == ["release.yml", "publish.yml", "<--", "differs"]
    assert "Configured values from: mkdocs.yml extra.tp" in res.stdout


def test_pending_option_links_the_pending_page(repo):
    res = run_script(SCRIPT, repo.path, "--pending")
    assert res.returncode == 0
    assert "widget is not on PyPI yet: add a pending publisher at https://pypi.org/manage/account/publishing/" \
        in res.stdout
    assert "https://test.pypi.org/manage/account/publishing/" in res.stdout


@pytest.mark.parametrize("code, expect", [
    (404, "add a pending publisher at https://pypi.org/manage/account/publishing/"),
    (200, "Enter them at https://pypi.org/manage/project/widget/settings/publishing/"),
    (503, "Could not tell whether widget is on PyPI (HTTP 503)"),
    ("list", "Could not tell whether widget is on PyPI (unexpected answer)"),  # a 200 that is no project
])
def test_online_check_picks_the_link(repo, capsys, monkeypatch, code, expect):
    from trustpub.commands.publisher_values import main

    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if code == 200:
            return httpx.Response(200, json={"info": {"name": "widget"}, "releases": {}})
        if code == "list":
            return httpx.Response(200, json=["not", "a", "project"])
        return httpx.Response(code, text="no")

    monkeypatch.chdir(repo.path)
    monkeypatch.delenv("TP_OFFLINE", raising=False)
    rc = main(["--workflow", "release.yml"], transport=httpx.MockTransport(answer))
    out = capsys.readouterr().out
    assert rc == 0
    assert expect in out
    assert "https://pypi.org/pypi/widget/json" in seen


def test_reads_only(repo):
    before = file_bytes(repo.path)
    for flags in (["--dry-run"], ["--yes"], []):
        res = run_script(SCRIPT, repo.path, "--offline", *flags)
        assert res.returncode == 0, res.stderr
    assert file_bytes(repo.path) == before
    assert repo.git("status", "--porcelain") == ""


def test_bad_input(make_repo, tmp_path):
    res = run_script(SCRIPT, tmp_path, "--offline")
    assert res.returncode == 2 and "not a git repository" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    broken = make_repo(files={WF: "on: [push\n", "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, broken.path, "--offline")
    assert res.returncode == 2 and "not valid YAML" in res.stderr and "Traceback" not in res.stderr
    none = make_repo(files={"pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, none.path, "--offline")
    assert res.returncode == 2 and "no workflow uses pypa/gh-action-pypi-publish" in res.stderr


def test_tp_offline_env_is_offline(repo, capsys, monkeypatch):
    from trustpub.commands.publisher_values import main

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("asked the index although TP_OFFLINE=1")

    monkeypatch.chdir(repo.path)
    monkeypatch.setenv("TP_OFFLINE", "1")
    assert main([], transport=httpx.MockTransport(refuse)) == 0
    assert "Enter them at https://pypi.org/manage/project/widget/settings/publishing/" in capsys.readouterr().out
