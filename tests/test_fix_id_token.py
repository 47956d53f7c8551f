"""fix_id_token.py on real git repositories: id-token moves to the publishing job only."""

from __future__ import annotations

from wf_helpers import (PYPROJECT, WF, assert_fixer_contract, bad_input_cases, file_bytes, removed_lines,
                        run_script, seed_text, status, unchanged_lines)

SCRIPT = "fix_id_token.py"

TWO_JOBS = """\
name: Release
on:
  push:
    tags: ["v[0-9]+.[0-9]+.[0-9]+"]

# Everything may mint tokens (too much).
permissions:
  contents: read
  id-token: write

jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write   # not needed to test
    steps:
      - uses: actions/checkout@v4

  publish:
    needs: test
    runs-on: ubuntu-latest
    environment: pypi
    steps:
      - uses: actions/download-artifact@v4
      - uses: pypa/gh-action-pypi-publish@release/v1
"""


def test_seed_contract_and_formatting(make_repo):
    repo = make_repo(files={WF: seed_text(), "pyproject.toml": PYPROJECT})
    before, after = assert_fixer_contract(repo.path, SCRIPT, ["id-token-not-elsewhere"])
    assert status(repo.path, "id-token-on-publish-job") == "pass"
    # Only the workflow-level id-token line left; the job gained its own block (with the moved comment).
    assert removed_lines(before, after) == [b"  id-token: write  # Required for PyPI Trusted Publishing\n"]
    assert b"    permissions:\n      contents: read\n      id-token: write  # Required for PyPI Trusted Publishing\n" \
        b"    \n    steps:\n" in after
    kept = unchanged_lines(before, after)
    for line in (b"      - 'v*'\n", b"    \n", b"      \n", b"          python-version: '3.11'\n",
                 b"        # No secrets needed with Trusted Publishing!\n", b"permissions:\n", b"  contents: read\n"):
        assert line in kept


def test_other_jobs_lose_id_token_and_keep_the_rest(make_repo):
    repo = make_repo(files={WF: TWO_JOBS, "pyproject.toml": PYPROJECT})
    before, after = assert_fixer_contract(repo.path, SCRIPT, ["id-token-not-elsewhere"])
    text = after.decode()
    # The test job keeps contents: read; the publish job copies the inherited contents: read.
    assert "  test:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps:\n" in text
    assert ("    environment: pypi\n    permissions:\n      contents: read\n      id-token: write\n"
            "    steps:\n") in text
    assert "# Everything may mint tokens (too much).\npermissions:\n  contents: read\n\njobs:\n" in text
    assert status(repo.path, "id-token-on-publish-job") == "pass"


def test_workflow_level_emptied_becomes_empty_mapping(make_repo):
    text = TWO_JOBS.replace("  contents: read\n  id-token: write\n", "  id-token: write\n", 1)
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    _, after = assert_fixer_contract(repo.path, SCRIPT, ["id-token-not-elsewhere"])
    assert b"permissions: {}\n\njobs:\n" in after
    # Inherited nothing but id-token: the publish job gets only id-token.
    assert b"    environment: pypi\n    permissions:\n      id-token: write\n    steps:\n" in after


def test_missing_grant_is_added(make_repo):
    text = seed_text().replace("  id-token: write  # Required for PyPI Trusted Publishing\n", "")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    assert status(repo.path, "id-token-on-publish-job") == "fail"
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 0, res.stderr
    assert status(repo.path, "id-token-on-publish-job") == "pass"
    assert status(repo.path, "id-token-not-elsewhere") == "pass"


def test_write_all_cannot_be_fixed(make_repo):
    text = seed_text().replace("permissions:\n  id-token: write  # Required for PyPI Trusted Publishing\n"
                               "  contents: read\n", "permissions: write-all\n")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 1
    assert "write-all at workflow level" in res.stderr
    assert "Traceback" not in res.stderr


def test_already_right_is_nothing_to_do(make_repo):
    from wf_helpers import ROOT

    text = (ROOT / ".github/workflows/release.yml").read_text()
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path)
    assert res.returncode == 0 and "nothing to do" in res.stderr and res.stdout == ""
    assert file_bytes(repo.path) == text.encode()


def test_untracked_workflow_gets_a_backup(make_repo):
    repo = make_repo(files={"pyproject.toml": PYPROJECT})
    repo.write(WF, seed_text())  # not committed
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 0, res.stderr
    assert (repo.path / (WF + ".bak")).read_text() == seed_text()


def test_bad_input(make_repo):
    bad_input_cases(make_repo, SCRIPT)


LOCKED = """\
on:
  push:
    tags: ["v[0-9]+.[0-9]+.[0-9]+"]
permissions:  # for all jobs
  id-token: write  # OIDC

jobs:
  publish:
    runs-on: ubuntu-latest
    environment: pypi
    permissions: {}  # locked down

    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
"""


def test_empty_job_permissions_become_a_block_and_comments_stay(make_repo):
    repo = make_repo(files={WF: LOCKED, "pyproject.toml": PYPROJECT})
    _, after = assert_fixer_contract(repo.path, SCRIPT, ["id-token-on-publish-job", "id-token-not-elsewhere"])
    text = after.decode()
    assert "permissions: {} # for all jobs\n\njobs:\n" in text
    # The blank line before steps: is still before steps:, the moved comment is on the moved grant.
    assert "    permissions:     # locked down\n      id-token: write  # OIDC\n\n    steps:\n" in text
