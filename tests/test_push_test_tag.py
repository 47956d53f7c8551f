"""push_test_tag.py on real git repositories with a local bare remote; the index through MockTransport or a local server."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from trustpub.commands import push_test_tag
from local_pypi import MockPyPI, project_json

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "push_test_tag.py"
RELEASE_YML = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
TESTPYPI_YML = (ROOT / ".github" / "workflows" / "testpypi.yml").read_text(encoding="utf-8")
SEED_YML = (ROOT / "tests" / "data" / "seed_release.yml").read_text(encoding="utf-8")
PYPROJECT = '[project]\nname = "widget"\nversion = "1.2.0"\n'


def files(**extra: str) -> dict[str, str]:
    return {"pyproject.toml": PYPROJECT, ".github/workflows/release.yml": RELEASE_YML,
            ".github/workflows/testpypi.yml": TESTPYPI_YML, **extra}


def index(versions_by_host: dict[str, list[str]]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        versions = versions_by_host.get(request.url.host)
        if versions is None:
            return httpx.Response(404, json={"message": "Not Found"})
        return httpx.Response(200, json={"info": {"version": versions[-1]}, "releases": {v: [] for v in versions}})
    return httpx.MockTransport(handler)


def run_main(repo, *args: str, transport=None) -> int:
    from trustpub.errors import BadInput, CannotFix

    try:
        return push_test_tag.main(["--repo", str(repo.path), *args], transport=transport)
    except (BadInput, CannotFix) as exc:
        sys.stderr.write(f"push_test_tag.py: error: {exc}\n")
        return exc.exit_code


def run_cli(repo, *args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--repo", str(repo.path), *args], capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL, env={**os.environ, **(env_extra or {})})


def test_creates_annotated_tag_pushes_it_and_prints_the_actions_url(make_repo, capsys):
    repo = make_repo(files=files())
    assert run_main(repo, "--yes", transport=index({})) == 0
    captured = capsys.readouterr()
    assert repo.git("cat-file", "-t", "v1.2.0-test1").strip() == "tag"
    assert repo.git("rev-parse", "v1.2.0-test1^{commit}") == repo.git("rev-parse", "HEAD")
    assert repo.remote_tags() == ["v1.2.0-test1"]
    assert "https://github.com/acme/widget/actions/workflows/testpypi.yml" in captured.out
    assert "starts testpypi.yml, which uploads to TestPyPI" in captured.err
    assert "uploads version 1.2.0 (from pyproject.toml)" in captured.err

    # second run: HEAD already carries the pushed test tag -> nothing to do, no test2
    assert run_main(repo, "--yes", transport=index({})) == 0
    assert "nothing to do" in capsys.readouterr().err
    assert repo.remote_tags() == ["v1.2.0-test1"]


def test_next_number_after_existing_test_tags(make_repo):
    repo = make_repo(files=files())
    repo.tag("v1.2.0-test1", "old")
    repo.tag("v1.2.0-test", "seed style")
    repo.push("v1.2.0-test1", "v1.2.0-test")
    repo.write("README.md", "later\n")
    repo.commit("later")
    assert run_main(repo, "--yes", "--offline") == 0
    assert "v1.2.0-test2" in repo.remote_tags()


def test_cleanup_removes_local_and_remote_and_the_checklist_agrees(make_repo, capsys):
    repo = make_repo(files=files())
    assert run_main(repo, "--yes", "--offline") == 0
    repo.tag("v1.2.0-test9", "local only")

    checks = pytest.importorskip("trustpub.checks")
    from trustpub.config import Subject
    from trustpub.repo import Repo

    def status():
        results = checks.run_checks(Repo.open(repo.path), Subject(project="widget", owner="acme", repository="widget"),
                                    offline=False, only=["test-tags-cleaned"])
        return checks.result_by_slug(results, "test-tags-cleaned").status

    assert status() == "fail"
    capsys.readouterr()
    assert run_main(repo, "--cleanup", "--yes") == 0
    assert repo.git("tag", "--list").split() == [] and repo.remote_tags() == []
    assert status() == "pass"
    assert run_main(repo, "--cleanup", "--yes") == 0
    assert "nothing to do" in capsys.readouterr().err


def test_cleanup_keeps_release_tags_and_honours_tag(make_repo):
    repo = make_repo(files=files())
    repo.tag("v1.1.0", "release")
    repo.tag("v1.2.0-test1", "t1")
    repo.tag("v1.2.0-test2", "t2")
    repo.push("v1.1.0", "v1.2.0-test1", "v1.2.0-test2")
    assert run_main(repo, "--cleanup", "--tag", "v1.2.0-test1", "--yes") == 0
    assert sorted(repo.remote_tags()) == ["v1.1.0", "v1.2.0-test2"]
    assert run_main(repo, "--cleanup", "--yes") == 0
    assert repo.remote_tags() == ["v1.1.0"] and repo.git("tag", "--list").split() == ["v1.1.0"]


def test_dry_run_and_no_terminal_change_nothing(make_repo):
    repo = make_repo(files=files())
    for args in (("--dry-run",), ()):
        res = run_cli(repo, "--offline", *args)
        assert res.returncode == (0 if args else 1), res.stderr
        assert repo.git("tag", "--list") == "" and repo.remote_tags() == []
    assert "plan: create annotated tag v1.2.0-test1" in res.stdout
    repo.tag("v1.2.0-test1", "t")
    repo.push("v1.2.0-test1")
    res = run_cli(repo, "--cleanup")
    assert res.returncode == 1 and "--yes" in res.stderr and repo.remote_tags() == ["v1.2.0-test1"]


def test_refuses_when_the_version_is_already_on_testpypi(make_repo, capsys):
    repo = make_repo(files=files())
    assert run_main(repo, "--yes", transport=index({"test.pypi.org": ["1.1.0", "1.2.0"]})) == 1
    assert "already on TestPyPI" in capsys.readouterr().err
    assert repo.git("tag", "--list") == "" and repo.remote_tags() == []


def test_unreachable_index_is_only_a_notice(make_repo, capsys):
    repo = make_repo(files=files())

    def down(request):
        raise httpx.ConnectError("refused", request=request)

    assert run_main(repo, "--yes", transport=httpx.MockTransport(down)) == 0
    assert "could not ask TestPyPI" in capsys.readouterr().err
    assert repo.remote_tags() == ["v1.2.0-test1"]


def test_refuses_when_no_workflow_runs_on_the_tag(make_repo, capsys):
    only_final = files()
    del only_final[".github/workflows/testpypi.yml"]
    repo = make_repo(files=only_final)
    assert run_main(repo, "--yes", "--offline") == 1
    assert "no workflow" in capsys.readouterr().err and repo.remote_tags() == []


def test_seed_workflow_warns_that_pypi_gets_a_real_release(make_repo, capsys):
    repo = make_repo(files={"pyproject.toml": PYPROJECT, ".github/workflows/release.yml": SEED_YML})
    assert run_main(repo, "--yes", "--offline") == 0
    err = capsys.readouterr().err
    assert "starts release.yml, which uploads to PyPI" in err and "for real" in err


def test_explicit_tag_and_bad_names(make_repo, capsys):
    repo = make_repo(files=files())
    assert run_main(repo, "--tag", "v1.2.0rc1", "--yes", "--offline") == 0
    assert repo.remote_tags() == ["v1.2.0rc1"]
    bad = run_cli(repo, "--tag", "bad..name", "--yes")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    repo.write("x.txt", "x\n")
    repo.commit("moved on")
    assert run_main(repo, "--tag", "v1.2.0rc1", "--yes", "--offline") == 1
    assert "not HEAD" in capsys.readouterr().err


def test_dynamic_version_needs_a_tag(make_repo):
    pp = '[project]\nname = "widget"\ndynamic = ["version"]\n[build-system]\nrequires = ["hatchling", "hatch-vcs"]\n'
    repo = make_repo(files=files(**{"pyproject.toml": pp}))
    res = run_cli(repo, "--yes", "--offline")
    assert res.returncode == 2 and "--tag" in res.stderr
    res = run_cli(repo, "--tag", "v1.3.0.dev1", "--yes", "--offline")
    assert res.returncode == 0 and "uploads version 1.3.0.dev1" in res.stderr


def test_wait_until_the_version_appears_on_a_local_index(make_repo):
    repo = make_repo(files=files())
    with MockPyPI({}) as pypi:
        # The "upload" happens a moment after the push.
        timer = threading.Timer(1.0, lambda: pypi.projects.__setitem__("widget", project_json("widget", "1.2.0")))
        timer.start()
        try:
            res = run_cli(repo, "--yes", "--wait", "20", "--poll", "0.2", "--offline",
                          env_extra={"TP_INDEX_URL": pypi.url})
        finally:
            timer.cancel()
        assert res.returncode == 0, res.stderr
        assert "1.2.0 is on TestPyPI" in res.stdout
        assert f"{pypi.url}/project/widget/1.2.0/" in res.stdout
        assert any(path == "/pypi/widget/json" for path, _ in pypi.requests)


def test_wait_gives_up_after_the_timeout(make_repo):
    repo = make_repo(files=files())
    with MockPyPI({}) as pypi:
        res = run_cli(repo, "--yes", "--wait", "1", "--poll", "0.2", "--offline",
                      env_extra={"TP_INDEX_URL": pypi.url})
    assert res.returncode == 1 and "is not on TestPyPI after 1s" in res.stderr
    assert repo.remote_tags() == ["v1.2.0-test1"]  # the push itself happened


def test_help():
    res = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "--cleanup" in res.stdout and "--wait" in res.stdout


def test_unreachable_origin_is_exit_1_and_changes_nothing(make_repo):
    repo = make_repo(files=files())
    repo.git("config", "--remove-section", f"url.{repo.remote}")
    repo.git("config", f"url.{repo.path.parent / 'gone.git'}.insteadOf", "https://github.com/acme/widget.git")
    res = run_cli(repo, "--yes", "--offline")
    assert res.returncode == 1 and "cannot list the tags on origin" in res.stderr
    assert repo.git("tag", "--list") == ""
