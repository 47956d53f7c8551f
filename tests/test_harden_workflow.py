"""harden_workflow.py: the seed's single build-and-publish job becomes separate, hardened jobs."""

from __future__ import annotations

import subprocess

import pytest

from wf_helpers import (PYPROJECT, ROOT, SUBJECT, VENV_BIN, WF, assert_fixer_contract, bad_input_cases,
                        file_bytes, run_script, seed_text, status, unchanged_lines)

SCRIPT = "harden_workflow.py"
SLUGS = ["separate-build-publish", "publish-environment", "id-token-not-elsewhere"]


@pytest.fixture
def hardened_seed(make_repo):
    repo = make_repo(files={WF: seed_text(), "pyproject.toml": PYPROJECT})
    before, after = assert_fixer_contract(repo.path, SCRIPT, SLUGS)
    return repo, before, after


def test_seed_is_split_keeping_the_users_lines(hardened_seed):
    repo, before, after = hardened_seed
    kept = unchanged_lines(before, after)
    # Every line of the user's steps that needed no change is there byte for byte, whitespace-only lines included.
    for line in (b"name: Release to PyPI\n", b"      - 'v*'\n", b"permissions:\n", b"  contents: read\n",
                 b"      - name: Checkout code\n", b"      - name: Set up Python\n",
                 b"          python-version: '3.11'\n", b"      - name: Install build dependencies\n",
                 b"        run: python -m pip install --upgrade build\n", b"      - name: Build distributions\n",
                 b"        run: python -m build\n", b"      - name: Publish to PyPI\n",
                 b"        # No secrets needed with Trusted Publishing!\n", b"    \n", b"      \n"):
        assert line in kept, line
    text = after.decode()
    build, publish = text.split("\n  build:\n", 1)[1].split("\n  pypi-publish:\n", 1)
    assert "    permissions:\n      contents: read\n" in build and "id-token" not in build
    assert "        uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n" \
           "        with:\n          persist-credentials: false\n" in build
    assert "actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0\n" in build
    assert "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0\n" in build
    assert ("    name: Publish to PyPI\n    needs: build\n    runs-on: ubuntu-latest\n"
            "    environment:\n      name: pypi\n    permissions:\n"
            "      id-token: write  # Required for PyPI Trusted Publishing\n") in publish
    assert "actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1\n" in publish
    assert ("      - name: Publish to PyPI\n        uses: pypa/gh-action-pypi-publish@"
            "dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2\n"
            "        # No secrets needed with Trusted Publishing!\n") in publish
    # The user's steps keep their order, in the build job.
    order = [build.index("- name: " + n) for n in ("Checkout code", "Set up Python", "Install build dependencies",
                                       "Build distributions", "Upload distributions")]
    assert order == sorted(order)


def test_hardened_seed_passes_zizmor_schema_and_checklist(hardened_seed):
    repo, _, _ = hardened_seed
    wf = repo.path / WF
    z = subprocess.run([str(VENV_BIN / "zizmor"), "--offline", "--no-progress", str(wf)],
                       capture_output=True, text=True, timeout=120)
    assert z.returncode == 0, z.stdout + z.stderr
    assert "No findings" in z.stdout
    schema = subprocess.run([str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                             str(wf)], capture_output=True, text=True, timeout=120)
    assert schema.returncode == 0, schema.stdout + schema.stderr
    repo.commit("harden")  # committed, as the user would
    from trustpub.checks import CHECKS, run_checks
    from trustpub.repo import Repo

    workflow_checks = [c.id for c in CHECKS if c.group in ("workflow", "multi", "zizmor") and not c.online]
    results = run_checks(Repo.open(repo.path), SUBJECT, offline=True, only=workflow_checks)
    failing = [(r.id, r.slug, r.evidence) for r in results if r.status == "fail"]
    assert not failing
    assert {r.slug for r in results if r.status == "pass"} >= {
        "separate-build-publish", "publish-environment", "id-token-on-publish-job", "id-token-not-elsewhere",
        "publish-action-ref", "attestations-on", "publish-runner-linux"}
    assert any(r.slug.startswith("zizmor") and r.status == "pass" for r in results)


def test_testpypi_job_gets_the_testpypi_environment(make_repo):
    text = seed_text().replace("        uses: pypa/gh-action-pypi-publish@release/v1\n",
                               "        uses: pypa/gh-action-pypi-publish@release/v1\n"
                               "        with:\n          repository-url: https://test.pypi.org/legacy/\n")
    repo = make_repo(files={".github/workflows/testpypi.yml": text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes", "--testpypi-environment", "staging")
    assert res.returncode == 0, res.stderr
    out = file_bytes(repo.path, ".github/workflows/testpypi.yml").decode()
    assert "    environment:\n      name: staging\n" in out
    assert "          repository-url: https://test.pypi.org/legacy/\n" in out


def test_environment_from_option(make_repo):
    repo = make_repo(files={WF: seed_text(), "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes", "--environment", "release")
    assert res.returncode == 0, res.stderr
    assert b"    environment:\n      name: release\n" in file_bytes(repo.path)


def test_already_hardened_is_nothing_to_do(make_repo):
    text = (ROOT / ".github/workflows/release.yml").read_text()
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path)
    assert res.returncode == 0 and "nothing to do" in res.stderr, res.stderr
    assert file_bytes(repo.path) == text.encode()


def test_split_workflow_only_gets_missing_parts(make_repo):
    text = (ROOT / ".github/workflows/release.yml").read_text()
    text = text.replace("    environment:\n      name: pypi  # must match the environment registered on PyPI\n", "")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    assert status(repo.path, "publish-environment") == "fail"
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 0, res.stderr
    assert status(repo.path, "publish-environment") == "pass"
    after = file_bytes(repo.path).decode()
    assert after.count("\n") == text.count("\n") + 2  # just the environment block
    assert after.count("actions/checkout@") == 1


def test_unknown_major_lines_are_left_alone(make_repo):
    text = seed_text().replace("actions/setup-python@v5", "actions/setup-python@v3")
    text = text.replace("actions/checkout@v4", "actions/checkout@main")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 0, res.stderr
    after = file_bytes(repo.path).decode()
    assert "        uses: actions/setup-python@v3\n" in after
    assert "        uses: actions/checkout@main\n" in after


def test_steps_after_publish_cannot_be_split(make_repo):
    text = seed_text() + "\n      - name: Announce\n        run: echo done\n"
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 1
    assert "steps after the publish step (Announce)" in res.stderr
    assert status(repo.path, "separate-build-publish") == "fail"


def test_bad_input(make_repo):
    bad_input_cases(make_repo, SCRIPT)


def test_token_inputs_are_removed(make_repo):
    text = seed_text().replace("        # No secrets needed with Trusted Publishing!\n",
                               "        with:\n          user: __token__\n"
                               "          password: ${{ secrets.PYPI_API_TOKEN }}\n")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    before, after = assert_fixer_contract(repo.path, SCRIPT, SLUGS + ["no-token-input"])
    assert b"secrets." not in after and b"password" not in after


def test_other_environment_is_reported_unless_asked(make_repo):
    text = (ROOT / ".github/workflows/release.yml").read_text()
    text = text.replace("      name: pypi  # must match", "      name: release  # must match")
    repo = make_repo(files={WF: text, "pyproject.toml": PYPROJECT})
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 1
    assert "environment 'release', but the publisher names 'pypi'" in res.stderr
    assert file_bytes(repo.path) == text.encode()
    res = run_script(SCRIPT, repo.path, "--yes", "--environment", "pypi")
    assert res.returncode == 0, res.stderr
    # The comment stays in its column.
    assert b"      name: pypi     # must match the environment registered on PyPI\n" in file_bytes(repo.path)
    assert status(repo.path, "publish-environment") == "pass"


COMMENTED = """\
name: Release
on:
  push:
    tags: ["v*"]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      # Get the code
      - uses: actions/checkout@v4
      # Build
      - run: python -m build
      # Publish (trusted publishing)
      - uses: pypa/gh-action-pypi-publish@release/v1
"""


def test_comments_between_steps_stay_with_their_steps(make_repo):
    repo = make_repo(files={WF: COMMENTED, "pyproject.toml": PYPROJECT})
    _, after = assert_fixer_contract(repo.path, SCRIPT, ["separate-build-publish", "publish-environment",
                                                         "id-token-on-publish-job"])
    text = after.decode()
    build, publish = text.split("\n  release:\n")
    assert "    steps:\n      # Get the code\n      - uses: actions/checkout@" in build
    assert "      # Build\n      - run: python -m build\n      - name: Upload distributions\n" in build
    assert "# Publish" not in build
    assert "          path: dist/\n      # Publish (trusted publishing)\n      - uses: pypa/gh-action-pypi-publish@" \
        in publish
    schema = subprocess.run([str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                             str(repo.path / WF)], capture_output=True, text=True, timeout=120)
    assert schema.returncode == 0, schema.stdout + schema.stderr


def test_environment_from_site_config(make_repo):
    site = ("site_name: x\nextra:\n  tp:\n    project: widget\n    owner: acme\n    repository: widget\n"
            "    environment: release\n")
    repo = make_repo(files={WF: seed_text(), "pyproject.toml": PYPROJECT, "mkdocs.yml": site})
    res = run_script(SCRIPT, repo.path, "--yes")
    assert res.returncode == 0, res.stderr
    assert b"    environment:\n      name: release\n" in file_bytes(repo.path)
