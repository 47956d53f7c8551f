"""Shared CLI behaviour: one-line usage errors, subject resolution order, error-to-exit-code mapping."""

from __future__ import annotations

import argparse

import pytest

from trustpub.cli import make_parser, resolve_subject, run
from trustpub.errors import BadInput, CannotFix
from trustpub.repo import Repo

PYPROJECT = '[project]\nname = "widget-lib"\nversion = "1.0"\n'
PUBLISHING = """on:
  push:
    tags: ["v*"]
jobs:
  pub:
    runs-on: ubuntu-latest
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
"""


def test_unknown_option_is_one_line_and_exit_2(capsys):
    parser = make_parser("fix.py", "desc")
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["--bogus"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1 and "--bogus" in err


def test_usage_errors_never_echo_a_token(capsys):
    parser = make_parser("fix.py", "desc")
    with pytest.raises(SystemExit):
        parser.parse_args(["--pypi-AgEIcHlwaS5vcmcAAAAAAAAAAAAAAAAAAAA"])
    assert "AAAAAAAAAAAAAAAAAAAA" not in capsys.readouterr().err


def _args(**kw):
    base = dict(project=None, owner=None, repository=None, workflow=None, environment=None, index=None)
    return argparse.Namespace(**{**base, **kw})


def test_subject_detected_from_pyproject_remote_and_publishing_workflow(make_repo):
    r = make_repo(owner="acme", name="widget", files={
        "pyproject.toml": PYPROJECT, ".github/workflows/publish.yml": PUBLISHING})
    resolved = resolve_subject(Repo.open(r.path), _args())
    s = resolved.subject
    assert (s.project, s.owner, s.repository, s.workflow, s.environment) == (
        "widget-lib", "acme", "widget", "publish.yml", "pypi")
    # Facts, not defaults: the workflow comes from the upload step; no environment is declared, so it is assumed.
    assert resolved.sources["workflow"].startswith("the workflow that uploads (.github/workflows/publish.yml:")
    assert resolved.sources["environment"] == "assumption"


def test_options_override_detection(make_repo):
    r = make_repo(files={"pyproject.toml": PYPROJECT})
    s = resolve_subject(Repo.open(r.path), _args(project="other", environment="release")).subject
    assert (s.project, s.environment) == ("other", "release")


def test_site_config_wins_over_detection(make_repo):
    r = make_repo(files={"pyproject.toml": PYPROJECT, "mkdocs.yml":
                         "extra:\n  tp:\n    project: conf-proj\n    owner: conf-owner\n    repository: conf-repo\n"})
    resolved = resolve_subject(Repo.open(r.path), _args())
    assert (resolved.subject.project, resolved.subject.owner) == ("conf-proj", "conf-owner")
    assert resolved.sources["owner"] == "mkdocs.yml extra.tp"


def test_cannot_tell_the_project_names_the_option(make_repo):
    r = make_repo(remote=False)
    with pytest.raises(BadInput, match="--project"):
        resolve_subject(Repo.open(r.path), _args())


@pytest.mark.parametrize("exc, code", [(BadInput("f: bad"), 2), (CannotFix("f: cannot"), 1)])
def test_run_maps_errors_to_one_line_and_exit_code(capsys, exc, code):
    def main(argv):
        raise exc

    with pytest.raises(SystemExit) as caught:
        run(main, [])
    assert caught.value.code == code
    assert capsys.readouterr().err.strip().endswith(str(exc))
