"""fix_action_ref.py: old refs move to release/v1; full SHA pins stay."""

from __future__ import annotations

import pytest

from wf_helpers import (PYPROJECT, WF, assert_fixer_contract, bad_input_cases, file_bytes, removed_lines,
                        run_script, seed_text, status, unchanged_lines)

SCRIPT = "fix_action_ref.py"
SEED_USES = b"        uses: pypa/gh-action-pypi-publish@release/v1\n"


@pytest.mark.parametrize("old", ["master", "v1.4.2", "v1.8.14", "unstable/v1", "ed0c539"])
def test_old_ref_moves_to_release_v1(make_repo, old):
    text = seed_text().replace("@release/v1", f"@{old}")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    before, after = assert_fixer_contract(repo.path, SCRIPT, ["publish-action-ref"])
    assert removed_lines(before, after) == [f"        uses: pypa/gh-action-pypi-publish@{old}\n".encode()]
    assert SEED_USES in after
    assert len(unchanged_lines(before, after)) == len(before.splitlines()) - 1


def test_version_comment_of_old_tag_is_dropped_other_comment_kept(make_repo):
    text = seed_text().replace("@release/v1", "@v1.4.2 # v1.4.2")
    text = text.replace("uses: actions/checkout@v4", "uses: actions/checkout@v4  # keep me")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    _, after = assert_fixer_contract(repo.path, SCRIPT, ["publish-action-ref"])
    assert SEED_USES in after
    assert b"uses: actions/checkout@v4  # keep me\n" in after


def test_full_sha_pin_is_kept(make_repo):
    pinned = "pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4"
    text = seed_text().replace("pypa/gh-action-pypi-publish@release/v1", pinned)
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    assert status(repo.path, "publish-action-ref") == "pass"
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 0 and "nothing to do" in res.stderr
    assert file_bytes(repo.path) == text.encode()


def test_old_sha_pin_is_repinned_as_a_sha(make_repo):
    old = "pypa/gh-action-pypi-publish@0123456789abcdef0123456789abcdef01234567 # v1.8.10"
    text = seed_text().replace("pypa/gh-action-pypi-publish@release/v1", old)
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    _, after = assert_fixer_contract(repo.path, SCRIPT, ["publish-action-ref"])
    assert b"uses: pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2\n" in after


def test_known_sha_pin_without_comment_gets_its_version_comment(make_repo):
    bare = "pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc"
    text = seed_text().replace("pypa/gh-action-pypi-publish@release/v1", bare)
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    assert status(repo.path, "publish-action-ref") == "warn"  # a pin nobody can read the version of
    dry = run_script(SCRIPT, repo.path, "--dry-run")
    assert dry.returncode == 0 and file_bytes(repo.path) == text.encode()
    fixed = run_script(SCRIPT, repo.path, "--yes")
    assert fixed.returncode == 0, fixed.stderr
    after = file_bytes(repo.path)
    assert removed_lines(text.encode(), after) == [f"        uses: {bare}\n".encode()]
    assert f"        uses: {bare} # v1.12.4\n".encode() in after
    assert status(repo.path, "publish-action-ref") == "pass"
    again = run_script(SCRIPT, repo.path, "--yes")
    assert again.returncode == 0 and "nothing to do" in again.stderr and file_bytes(repo.path) == after


def test_unknown_sha_pin_without_comment_is_left_with_a_note(make_repo):
    sha = "0123456789abcdef0123456789abcdef01234567"
    text = seed_text().replace("pypa/gh-action-pypi-publish@release/v1", f"pypa/gh-action-pypi-publish@{sha}")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 0 and "nothing to do" in res.stderr
    assert f"{sha} is not a release this script knows" in res.stderr and "# v1.x.y" in res.stderr
    assert file_bytes(repo.path) == text.encode()


def test_pick_one_workflow(make_repo):
    other = ".github/workflows/other.yml"
    text = seed_text().replace("@release/v1", "@master")
    repo = make_repo(files={WF: text, other: text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes", "--workflow", "other.yml")
    assert res.returncode == 0, res.stderr
    assert file_bytes(repo.path) == text.encode()
    assert b"@release/v1" in file_bytes(repo.path, other)


def test_bad_input(make_repo):
    bad_input_cases(make_repo, SCRIPT)
