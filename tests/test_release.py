"""release.py on real git repositories with a local bare remote; PyPI through httpx.MockTransport."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from trustpub.commands import release
from local_pypi import MockPyPI, project_json

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "release.py"
RELEASE_YML = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
TESTPYPI_YML = (ROOT / ".github" / "workflows" / "testpypi.yml").read_text(encoding="utf-8")

PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "widget"   # the distribution name
version = "1.2.0"
description = "A widget"
"""

CHANGELOG = """\
# Changelog

All notable changes to this project are documented here.

## [Unreleased]

### Added
- Trusted Publishing.

```markdown
## [9.9.9] - not a heading, inside a fence
```

## [1.2.0] - 2025-01-01

### Fixed
- Something.

[Unreleased]: https://github.com/acme/widget/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/acme/widget/compare/v1.1.0...v1.2.0
"""

DATE = "2026-11-25"


def files(pyproject: str = PYPROJECT, changelog: str | None = CHANGELOG) -> dict[str, str]:
    found = {"pyproject.toml": pyproject, ".github/workflows/release.yml": RELEASE_YML,
             ".github/workflows/testpypi.yml": TESTPYPI_YML}
    if changelog is not None:
        found["CHANGELOG.md"] = changelog
    return found


def pypi(versions_by_host: dict[str, list[str] | None]) -> httpx.MockTransport:
    """A PyPI/TestPyPI double: host -> released versions (None: project not there)."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        versions = versions_by_host.get(request.url.host)
        if versions is None:
            return httpx.Response(404, json={"message": "Not Found"})
        doc = {"info": {"name": "widget", "version": versions[-1]}, "releases": {v: [] for v in versions}}
        return httpx.Response(200, json=doc)

    transport = httpx.MockTransport(handler)
    transport.seen = seen
    return transport


def run_main(repo, *args: str, transport=None) -> int:
    """In process, as `trustpub.cli.run` would: expected errors become a line on stderr and an exit code."""
    from trustpub.errors import BadInput, CannotFix

    try:
        return release.main(["--repo", str(repo.path), "--date", DATE, *args], transport=transport)
    except (BadInput, CannotFix) as exc:
        sys.stderr.write(f"release.py: error: {exc}\n")
        return exc.exit_code
    except SystemExit as exc:  # argparse
        return int(exc.code)


def run_cli(repo, *args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--repo", str(repo.path), "--date", DATE, *args],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                          env={**os.environ, **(env_extra or {})})


def head_subject(repo) -> str:
    return repo.git("log", "-1", "--format=%s").strip()


# -- happy path -----------------------------------------------------------------

def test_release_sets_version_moves_changelog_commits_tags_and_pushes(make_repo, capsys):
    repo = make_repo(files=files())
    transport = pypi({"pypi.org": ["1.1.0", "1.2.0"]})
    assert run_main(repo, "1.3.0", "--yes", transport=transport) == 0
    assert any("/pypi/widget/json" in u for u in transport.seen)

    pp = repo.read("pyproject.toml")
    assert pp == PYPROJECT.replace('version = "1.2.0"', 'version = "1.3.0"')  # comments and layout kept
    cl = repo.read("CHANGELOG.md")
    assert "## [Unreleased]\n\n## [1.3.0] - 2026-11-25\n\n### Added\n- Trusted Publishing.\n" in cl
    assert "## [9.9.9] - not a heading" in cl  # the fenced block moved with its section, untouched
    assert cl.index("## [9.9.9]") < cl.index("## [1.2.0]")
    assert "[Unreleased]: https://github.com/acme/widget/compare/v1.3.0...HEAD\n" \
           "[1.3.0]: https://github.com/acme/widget/compare/v1.2.0...v1.3.0\n" in cl

    assert head_subject(repo) == "chore(release): v1.3.0"
    assert repo.git("cat-file", "-t", "v1.3.0").strip() == "tag"  # annotated
    assert repo.git("rev-parse", "v1.3.0^{commit}") == repo.git("rev-parse", "HEAD")
    assert "v1.3.0" in repo.remote_tags()
    from conftest import git
    assert git(repo.remote, "rev-parse", "refs/heads/main") == repo.git("rev-parse", "HEAD")
    assert not repo.git("status", "--porcelain").strip()

    outerr = capsys.readouterr()
    assert "/actions/workflows/release.yml" in outerr.out

    # idempotent: a second run says there is nothing to do and changes nothing
    head = repo.git("rev-parse", "HEAD")
    assert run_main(repo, "1.3.0", "--yes", transport=pypi({"pypi.org": ["1.3.0"]})) == 0
    assert "nothing to do" in capsys.readouterr().err
    assert repo.git("rev-parse", "HEAD") == head


def test_checklist_tag_matches_version_after_release(make_repo):
    checks = pytest.importorskip("trustpub.checks")
    from trustpub.config import Subject
    from trustpub.repo import Repo

    repo = make_repo(files=files())
    subject = Subject(project="widget", owner="acme", repository="widget")
    # before: a tag that does not match the version the build produces
    repo.tag("v1.2.5", "wrong")
    r = checks.result_by_slug(checks.run_checks(Repo.open(repo.path), subject, only=["tag-matches-version"]),
                              "tag-matches-version")
    assert r.status == "fail"
    repo.git("tag", "-d", "v1.2.5")
    assert run_main(repo, "1.3.0", "--yes", "--offline") == 0
    r = checks.result_by_slug(checks.run_checks(Repo.open(repo.path), subject, only=["tag-matches-version"]),
                              "tag-matches-version")
    assert r.status == "pass", r.evidence


def test_prerelease_goes_to_testpypi_and_is_checked_there(make_repo, capsys):
    repo = make_repo(files=files())
    transport = pypi({"pypi.org": ["1.2.0"], "test.pypi.org": ["1.3.0rc1"]})
    assert run_main(repo, "1.3.0rc1", "--yes", transport=transport) == 1
    err = capsys.readouterr().err
    assert "not newer than 1.3.0rc1, the latest on TestPyPI" in err
    assert run_main(repo, "1.3.0rc2", "--yes", transport=transport) == 0
    assert "testpypi.yml" in capsys.readouterr().err


def test_dynamic_version_from_tags_is_left_alone(make_repo):
    pp = ('[build-system]\nrequires = ["hatchling", "hatch-vcs"]\nbuild-backend = "hatchling.build"\n\n'
          '[project]\nname = "widget"\ndynamic = ["version"]\n\n[tool.hatch.version]\nsource = "vcs"\n')
    repo = make_repo(files=files(pyproject=pp))
    assert run_main(repo, "2.0.0", "--yes", "--offline") == 0
    assert repo.read("pyproject.toml") == pp
    assert "v2.0.0" in repo.remote_tags()
    assert "## [2.0.0] - 2026-11-25" in repo.read("CHANGELOG.md")


def test_no_changelog_only_version_and_tag(make_repo):
    repo = make_repo(files=files(changelog=None))
    assert run_main(repo, "1.2.1", "--yes", "--offline") == 0
    assert 'version = "1.2.1"' in repo.read("pyproject.toml") and "v1.2.1" in repo.remote_tags()


def test_changelog_that_is_not_a_readable_file_is_bad_input_and_changes_nothing(make_repo):
    found = files(changelog=None)
    found["CHANGELOG.md/README"] = "a folder, not the changelog\n"
    repo = make_repo(files=found)
    head = repo.git("rev-parse", "HEAD")
    res = run_cli(repo, "1.2.1", "--yes", "--offline")
    errors = [line for line in res.stderr.splitlines() if "error:" in line]
    assert res.returncode == 2 and len(errors) == 1 and res.stderr.splitlines()[-1] == errors[0], res.stderr
    assert "CHANGELOG.md: cannot read: Is a directory" in errors[0]
    assert repo.git("rev-parse", "HEAD") == head and repo.remote_tags() == []
    assert 'version = "1.2.0"' in repo.read("pyproject.toml")


def test_version_already_set_tags_head_without_a_commit(make_repo):
    repo = make_repo(files=files(pyproject=PYPROJECT.replace("1.2.0", "1.3.0"), changelog=None))
    head = repo.git("rev-parse", "HEAD")
    assert run_main(repo, "v1.3.0", "--yes", "--offline") == 0  # leading v accepted
    assert repo.git("rev-parse", "HEAD") == head and "v1.3.0" in repo.remote_tags()


def test_resumes_after_a_failed_push(make_repo, capsys):
    repo = make_repo(files=files())
    # what an interrupted run leaves: commit and tag made, nothing pushed
    repo.write("pyproject.toml", PYPROJECT.replace("1.2.0", "1.3.0"))
    repo.commit("chore(release): v1.3.0")
    repo.tag("v1.3.0", "Release v1.3.0")
    assert run_main(repo, "1.3.0", "--yes", "--offline") == 0
    assert "pushing v1.3.0 and main" in capsys.readouterr().err
    assert "v1.3.0" in repo.remote_tags()


# -- refusals --------------------------------------------------------------------

def test_refuses_dirty_tree(make_repo, capsys):
    repo = make_repo(files=files())
    repo.write("pyproject.toml", PYPROJECT + "\n# local edit\n")
    assert run_main(repo, "1.3.0", "--yes", "--offline") == 1
    assert "uncommitted changes" in capsys.readouterr().err
    assert repo.remote_tags() == []


def test_refuses_existing_local_tag_elsewhere(make_repo, capsys):
    repo = make_repo(files=files())
    repo.tag("v1.3.0", "old")
    repo.write("README.md", "x\n")
    repo.commit("later")
    assert run_main(repo, "1.3.0", "--yes", "--offline") == 1
    assert "already exists locally" in capsys.readouterr().err


def test_refuses_tag_on_remote(make_repo, capsys):
    repo = make_repo(files=files())
    repo.tag("v1.3.0", "someone else's")
    repo.push("v1.3.0")
    repo.git("tag", "-d", "v1.3.0")
    assert run_main(repo, "1.3.0", "--yes", "--offline") == 1
    assert "already exists on origin" in capsys.readouterr().err


@pytest.mark.parametrize("latest", ["1.3.0", "1.4.0", "1.3.0.post1"])
def test_refuses_version_not_newer_than_pypi(make_repo, capsys, latest):
    repo = make_repo(files=files())
    assert run_main(repo, "1.3.0", "--yes", transport=pypi({"pypi.org": ["1.2.0", latest]})) == 1
    assert "is not newer than" in capsys.readouterr().err
    assert repo.read("pyproject.toml") == PYPROJECT and repo.remote_tags() == []


def test_unreachable_index_refuses_and_offline_skips_with_notice(make_repo, capsys):
    repo = make_repo(files=files())

    def down(request):
        raise httpx.ConnectError("refused", request=request)

    assert run_main(repo, "1.3.0", "--yes", transport=httpx.MockTransport(down)) == 1
    assert "--offline" in capsys.readouterr().err
    assert run_main(repo, "1.3.0", "--yes", "--offline") == 0
    assert "offline: not checking" in capsys.readouterr().err


def test_new_project_on_pypi_is_fine(make_repo, capsys):
    repo = make_repo(files=files())
    assert run_main(repo, "1.3.0", "--yes", transport=pypi({})) == 0
    assert "no releases yet" in capsys.readouterr().err


@pytest.mark.parametrize("bad", ["1.3", "banana", "1.3.0-rc1", "01.3.0"])
def test_invalid_or_unnormalised_version_is_bad_input(make_repo, bad):
    repo = make_repo(files=files())
    res = run_cli(repo, bad, "--yes", "--offline")
    if bad == "1.3":  # valid and normalised, but the repository's workflows only publish X.Y.Z tags
        assert res.returncode == 1 and "no workflow" in res.stderr
        return
    assert res.returncode == 2 and res.stderr.count("\n") == 1, res.stderr
    assert repo.remote_tags() == []


def test_refuses_dynamic_version_not_from_tags(make_repo, capsys):
    pp = ('[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
          '[project]\nname = "widget"\ndynamic = ["version"]\n\n[tool.hatch.version]\npath = "src/widget/__about__.py"\n')
    repo = make_repo(files=files(pyproject=pp))
    assert run_main(repo, "1.3.0", "--yes", "--offline") == 1
    assert "not taken from git tags" in capsys.readouterr().err
    assert repo.remote_tags() == []


def test_refuses_when_no_workflow_runs_on_the_tag(make_repo, capsys):
    only_final = files()
    del only_final[".github/workflows/testpypi.yml"]
    repo = make_repo(files=only_final)
    assert run_main(repo, "1.3.0rc1", "--yes", "--offline") == 1
    assert "no workflow" in capsys.readouterr().err


def test_dry_run_and_no_terminal_change_nothing(make_repo):
    repo = make_repo(files=files())
    head = repo.git("rev-parse", "HEAD")
    dry = run_cli(repo, "1.3.0", "--dry-run", "--offline")
    assert dry.returncode == 0
    assert '-version = "1.2.0"' in dry.stdout and '+version = "1.3.0"' in dry.stdout
    assert "+## [1.3.0] - 2026-11-25" in dry.stdout
    no_tty = run_cli(repo, "1.3.0", "--offline")
    assert no_tty.returncode == 1 and "--yes" in no_tty.stderr
    for _ in (dry, no_tty):
        assert repo.git("rev-parse", "HEAD") == head and repo.read("pyproject.toml") == PYPROJECT
        assert repo.git("tag", "--list") == "" and repo.remote_tags() == []


def test_cli_against_a_local_index_server(make_repo):
    repo = make_repo(files=files())
    with MockPyPI({"widget": project_json("widget", "1.2.0")}) as index:
        newer = run_cli(repo, "1.2.0", "--yes", env_extra={"TP_INDEX_URL": index.url})
        assert newer.returncode == 1 and "not newer than 1.2.0" in newer.stderr
        ok = run_cli(repo, "1.2.1", "--yes", env_extra={"TP_INDEX_URL": index.url})
        assert ok.returncode == 0, ok.stderr
        assert any(path == "/pypi/widget/json" for path, _ in index.requests)
    assert "v1.2.1" in repo.remote_tags()


def test_help():
    res = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and "VERSION" in res.stdout and "--offline" in res.stdout


def test_a_failing_commit_hook_is_one_line_exit_1(make_repo, capsys):
    repo = make_repo(files=files())
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'rejected by hook' >&2\nexit 1\n")
    hook.chmod(0o755)
    assert run_main(repo, "1.3.0", "--yes", "--offline") == 1
    err = capsys.readouterr().err
    assert "could not commit them" in err and "rejected by hook" in err
    assert repo.git("tag", "--list") == "" and repo.remote_tags() == []


def test_rejected_push_pushes_nothing_and_a_rerun_finishes(make_repo, capsys):
    repo = make_repo(files=files())
    hook = repo.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected: try later' >&2\nexit 1\n")
    hook.chmod(0o755)
    assert run_main(repo, "1.3.0", "--yes", "--offline") == 1
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert "push failed; the commit and tag are local" in last and "protected: try later" in last
    assert repo.remote_tags() == []  # atomic: neither branch nor tag reached origin
    hook.unlink()
    assert run_main(repo, "1.3.0", "--yes", "--offline") == 0
    assert "pushing v1.3.0 and main" in capsys.readouterr().err
    assert "v1.3.0" in repo.remote_tags()
