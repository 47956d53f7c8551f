"""fix_tag_overlap.py: the PyPI workflow stops taking pre-release and test tags."""

from __future__ import annotations

from wf_helpers import (PYPROJECT, ROOT, WF, assert_fixer_contract, bad_input_cases, file_bytes, removed_lines,
                        run_script, seed_text, status)

SCRIPT = "fix_tag_overlap.py"
TESTPYPI = ".github/workflows/testpypi.yml"
TESTPYPI_TEXT = (ROOT / TESTPYPI).read_text()


def test_seed_v_star_next_to_testpypi_workflow(make_repo):
    repo = make_repo(files={WF: seed_text(), TESTPYPI: TESTPYPI_TEXT, "pyproject.toml": PYPROJECT})
    before, after = assert_fixer_contract(repo.path, SCRIPT, ["tag-patterns-no-overlap"])
    # Quoting kept, one line changed, the TestPyPI workflow untouched.
    assert removed_lines(before, after) == [b"      - 'v*'\n"]
    assert b"      - 'v[0-9]+.[0-9]+.[0-9]+'\n" in after
    assert file_bytes(repo.path, TESTPYPI) == TESTPYPI_TEXT.encode()


def test_comments_and_other_patterns_kept(make_repo):
    text = seed_text().replace("      - 'v*'\n",
                               "      - \"v*\"  # every version tag\n      - \"release-*\"\n")
    repo = make_repo(files={WF: text, TESTPYPI: TESTPYPI_TEXT, "pyproject.toml": PYPROJECT})
    _, after = assert_fixer_contract(repo.path, SCRIPT, ["tag-patterns-no-overlap"])
    lines = after.decode().splitlines()
    i = lines.index("    tags:")
    assert lines[i + 1].startswith('      - "v[0-9]+.[0-9]+.[0-9]+"') and lines[i + 1].endswith("# every version tag")
    assert lines[i + 2] == '      - "release-*"'


def test_scalar_pattern_without_v(make_repo):
    text = seed_text().replace("    tags:\n      - 'v*'\n", "    tags: '*'\n")
    repo = make_repo(files={WF: text, TESTPYPI: TESTPYPI_TEXT, "pyproject.toml": PYPROJECT})
    _, after = assert_fixer_contract(repo.path, SCRIPT, ["tag-patterns-no-overlap"])
    # The blank line that followed the trigger still follows it, and the file's sequence indent is used.
    assert b"    tags:\n      - 'v[0-9]+.[0-9]+.[0-9]+'\n      - '[0-9]+.[0-9]+.[0-9]+'\n\npermissions:\n" in after


def test_no_testpypi_workflow_still_narrowed(make_repo):
    repo = make_repo(files={WF: seed_text(), "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 0, res.stderr
    assert b"'v[0-9]+.[0-9]+.[0-9]+'" in file_bytes(repo.path)
    again = run_script(SCRIPT, repo.path, "--yes")
    assert again.returncode == 0 and "nothing to do" in again.stderr


def test_too_wide_testpypi_workflow_is_reported(make_repo):
    wide = TESTPYPI_TEXT.replace('      - "v[0-9]+.[0-9]+.[0-9]+a[0-9]+"    # v1.2.3a1\n', '      - "v*"\n')
    repo = make_repo(files={WF: seed_text(), TESTPYPI: wide, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 1
    assert "testpypi.yml (TestPyPI) also runs for the final tag" in res.stderr
    assert file_bytes(repo.path, TESTPYPI) == wide.encode()
    assert status(repo.path, "tag-patterns-no-overlap") == "fail"


def test_one_workflow_for_both_indexes_is_not_narrowed(make_repo):
    text = seed_text() + ("      - name: Publish to TestPyPI\n"
                          "        uses: pypa/gh-action-pypi-publish@release/v1\n"
                          "        with:\n          repository-url: https://test.pypi.org/legacy/\n")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 1 and "publishes to both PyPI and TestPyPI" in res.stderr
    assert file_bytes(repo.path) == text.encode()


def test_bad_input(make_repo):
    bad_input_cases(make_repo, SCRIPT)
