"""fix_attestations.py: `attestations: false` goes, everything else stays."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize("answer, applied", [("y\n", True), ("n\n", False)])
def test_asks_on_a_terminal(make_repo, answer, applied):
    """Without --yes and with a terminal, the script asks; only "y" applies."""
    import os
    import subprocess
    import sys

    from wf_helpers import SCRIPTS

    text = seed_text().replace(PUBLISH, PUBLISH + "        with:\n          attestations: false\n")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    master, slave = os.openpty()
    try:
        os.write(master, answer.encode())
        res = subprocess.run([sys.executable, str(SCRIPTS / SCRIPT), "--repo", str(repo.path)], stdin=slave,
                             capture_output=True, text=True, timeout=120)
    finally:
        os.close(master)
        os.close(slave)
    assert "Apply this change to 1 file(s)? [y/N]" in res.stderr
    assert res.returncode == (0 if applied else 1)
    assert (file_bytes(repo.path) == seed_text().encode()) is applied
    assert (file_bytes(repo.path) == text.encode()) is not applied
