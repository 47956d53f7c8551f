"""fix_attestations.py: `attestations: false` goes, everything else stays."""

from __future__ import annotations

from wf_helpers import (PYPROJECT, WF, assert_fixer_contract, bad_input_cases, file_bytes, removed_lines,
                        run_script, seed_text)

SCRIPT = "fix_attestations.py"
PUBLISH = "        uses: pypa/gh-action-pypi-publish@release/v1\n"


def test_with_only_attestations_is_removed(make_repo):
    text = seed_text().replace(PUBLISH, PUBLISH + "        with:\n          attestations: false\n")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    before, after = assert_fixer_contract(repo.path, SCRIPT, ["attestations-on"])
    assert removed_lines(before, after) == [b"        with:\n", b"          attestations: false\n"]
    assert after == seed_text().encode()


def test_other_inputs_are_kept(make_repo):
    inputs = ("        with:\n          attestations: 'false'  # off for now\n"
              "          verbose: true\n          print-hash: true\n")
    text = seed_text().replace(PUBLISH, PUBLISH + inputs)
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    before, after = assert_fixer_contract(repo.path, SCRIPT, ["attestations-on"])
    assert removed_lines(before, after) == [b"          attestations: 'false'  # off for now\n"]
    assert b"        with:\n          verbose: true\n          print-hash: true\n" in after


def test_expression_is_reported_not_changed(make_repo):
    text = seed_text().replace(PUBLISH, PUBLISH + "        with:\n          attestations: ${{ inputs.attest }}\n")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 1
    assert "decided at run time" in res.stderr
    assert file_bytes(repo.path) == text.encode()


def test_bad_input(make_repo):
    bad_input_cases(make_repo, SCRIPT)
