"""`scripts/checklist.py` as a user runs it: table, --json against its schema, exit codes, bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from test_checks import GOOD_RELEASE, GOOD_TESTPYPI, PYPROJECT, SEED, TOKEN, sub

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "checklist.py"
SCHEMA = json.loads((ROOT / "src/trustpub/checklist.schema.json").read_text(encoding="utf-8"))
SUBJECT_ARGS = ["--project", "widget", "--owner", "acme", "--repository", "widget"]


def run(*args: str, cwd: Path = ROOT, env: dict | None = None, home: Path | None = None) -> subprocess.CompletedProcess:
    """The checklist in a subprocess, isolated from the developer's ~/.pypirc and token variables."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("PYPIRC", "TWINE_PASSWORD", "UV_PUBLISH_TOKEN", "NO_COLOR", "TP_OFFLINE")}
    base["HOME"] = str(home or cwd)
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd,
                          env={**base, **(env or {})}, timeout=120)


def one_line_error(res: subprocess.CompletedProcess, code: int = 2) -> str:
    assert res.returncode == code, (res.returncode, res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    assert lines[0].startswith("checklist.py: error: ")
    return lines[0]


@pytest.fixture
def good_repo(make_repo):
    return make_repo(files={"pyproject.toml": PYPROJECT.format(version="1.2.3"),
                            ".github/workflows/release.yml": GOOD_RELEASE,
                            ".github/workflows/testpypi.yml": GOOD_TESTPYPI})


def test_this_repository_passes_its_own_checklist(tmp_path):
    res = run("--offline", home=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 fail" in res.stdout and "FAIL" not in res.stdout


def test_this_repository_json_offline(tmp_path):
    res = run("--offline", "--json", home=tmp_path)
    data = json.loads(res.stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["subject"]["project"] == "mcp-devdiag" and data["summary"]["fail"] == 0
    statuses = {c["id"]: c["status"] for c in data["checks"]}
    assert {k for k, v in statuses.items() if v == "fail"} == set()
    assert statuses["TP301"] == "pass"  # zizmor: no findings on the real workflows


def test_table_on_a_good_repository(good_repo, tmp_path):
    res = run("--repo", str(good_repo.path), "--offline", *SUBJECT_ARGS, home=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    out = res.stdout
    # How the repository publishes comes first, one line per upload path (wrapped at 80 off a terminal).
    assert out.startswith("How this repository publishes\n  .github/workflows/release.yml:publish:")
    assert "pypa-action -> PyPI, trusted," in out
    assert "\nTrusted Publishing checklist for widget on PyPI (acme/widget, release.yml,\n" \
           "  environment pypi)\n" in out
    assert "  workflow: release.yml (from the workflow that uploads" in out
    # A line runs past 80 only to hold one word that cannot be broken (a pinned action, a path, a URL).
    assert all(len(line) <= 80 or " " not in line[17:] for line in out.splitlines()), out
    assert "offline: PyPI was not asked" in out
    assert "  PASS    TP105  Each trusted upload can mint the OIDC token" in out
    # The manual items fold into one line naming the page; --manual lists them one by one.
    assert "  MANUAL  TP9xx  5 to confirm by hand: docs/checklist.md (--manual lists them)" in out
    assert "TP901" not in out
    listed = run("--repo", str(good_repo.path), "--offline", "--manual", *SUBJECT_ARGS, home=tmp_path).stdout
    assert "  MANUAL  TP901" in listed and "see the guide: docs/tokens.md#" in listed and "TP9xx" not in listed
    assert "\x1b[" not in out  # not a terminal: no colour
    assert out.rstrip().endswith("-> exit 0")


def test_failing_repository_exits_1_and_names_the_fix(make_repo, tmp_path):
    repo = make_repo(files={"pyproject.toml": PYPROJECT.format(version="1.2.3"),
                            ".github/workflows/release.yml": SEED})
    res = run("--repo", str(repo.path), "--offline", *SUBJECT_ARGS, home=tmp_path)
    assert res.returncode == 1, res.stderr
    assert re.search(r"^  FAIL +TP107 +Build and publish are separate jobs$", res.stdout, re.M)
    assert f"fix: trustpub harden-workflow --repo {repo.path}" in res.stdout  # the installed command, pasteable anywhere
    assert f"fix: trustpub fix-id-token --repo {repo.path}" in res.stdout  # TP106 warns: workflow-level id-token
    data = json.loads(run("--repo", str(repo.path), "--offline", "--json", *SUBJECT_ARGS, home=tmp_path).stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["summary"]["exit_code"] == 1
    failing = {c["slug"] for c in data["checks"] if c["status"] == "fail"}
    assert {"separate-build-publish", "zizmor/unpinned-uses"} <= failing
    # No environment was registered (no option, no [tool.trustpub]): a missing one warns, never fails.
    assert next(c for c in data["checks"] if c["slug"] == "publish-environment")["status"] == "warn"
    [upload] = data["publishing"]
    assert (upload["workflow"], upload["job"], upload["tool"], upload["index"], upload["auth"],
            upload["environment"]) == (".github/workflows/release.yml", "pypi-publish", "pypa-action", "pypi",
                                       "trusted", None)


def test_json_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["schema"]["const"] == "tp-checklist/2"


def test_json_schema_rejects_what_it_should():
    upload = {"workflow": ".github/workflows/release.yml", "job": "publish", "line": 30, "tool": "uv",
              "index": "pypi", "auth": "trusted", "environment": "release", "register": "release.yml",
              "callers": [], "triggers": [{"event": "push", "workflow": ".github/workflows/release.yml", "line": 3,
                                           "tags": ["v*"], "tags_ignore": [], "branches": [], "types": []}]}
    good = {"schema": "tp-checklist/2", "repo": "/r", "offline": True, "publishing": [upload],
            "subject": {"project": "p", "owner": "o", "repository": "r", "workflow": "release.yml",
                        "environment": "pypi", "testpypi_workflow": "testpypi.yml",
                        "testpypi_environment": "testpypi", "index": "pypi",
                        "index_url": "https://pypi.org"},
            "summary": {"pass": 1, "fail": 0, "warn": 0, "manual": 0, "skip": 0, "exit_code": 0},
            "checks": [{"id": "TP101", "slug": "workflow-tracked", "title": "t", "group": "workflow",
                        "status": "pass", "evidence": "e", "fix": "workflow.md"}]}
    jsonschema.validate(good, SCHEMA)
    for bad in ({**good, "schema": "tp-checklist/1"},
                {k: v for k, v in good.items() if k != "publishing"},
                {**good, "publishing": [{**upload, "tool": "setup.py"}]},
                {**good, "publishing": [{**upload, "auth": "password"}]},
                {**good, "checks": [{**good["checks"][0], "status": "error"}]},
                {**good, "checks": [{**good["checks"][0], "evidence": "two\nlines"}]},
                {**good, "checks": [{**good["checks"][0], "fix": "rm -rf /"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, SCHEMA)


def test_token_is_never_printed(good_repo, tmp_path):
    pypirc = tmp_path / "tokens.pypirc"
    pypirc.write_text(f"[pypi]\nusername = __token__\npassword = {TOKEN}\n")
    for extra in ([], ["--json"]):
        res = run("--repo", str(good_repo.path), "--offline", "--pypirc", str(pypirc), *SUBJECT_ARGS, *extra,
                  env={"TWINE_PASSWORD": TOKEN}, home=tmp_path)
        assert res.returncode == 1
        assert TOKEN not in res.stdout + res.stderr and TOKEN[:24] not in res.stdout + res.stderr
        assert "pypi-AgEI…[redacted" in res.stdout


def test_only_and_list(good_repo, tmp_path):
    res = run("--repo", str(good_repo.path), "--offline", "--json", "--only", "TP105", "--only", "attestations-on",
              *SUBJECT_ARGS, home=tmp_path)
    assert [c["id"] for c in json.loads(res.stdout)["checks"]] == ["TP105", "TP112"]
    listing = run("--list")
    assert listing.returncode == 0 and "TP105  id-token-on-publish-job" in listing.stdout


def test_tp_offline_environment_variable(good_repo, tmp_path):
    res = run("--repo", str(good_repo.path), "--json", "--only", "project-exists", *SUBJECT_ARGS,
              env={"TP_OFFLINE": "1"}, home=tmp_path)
    data = json.loads(res.stdout)
    assert data["offline"] is True and data["checks"][0]["evidence"] == "offline"


def test_colour_only_on_a_terminal(monkeypatch):
    from trustpub.commands import checklist
    from trustpub.checks import Result
    from trustpub.config import Subject

    class Tty:
        def isatty(self):
            return True

    results = [Result("TP101", "workflow-tracked", "t", "workflow", "fail", "e", "workflow.md")]
    subject = Subject("widget", "acme", "widget")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert checklist.use_colour(Tty()) is True
    assert "\x1b[31;1mFAIL" in "\n".join(checklist.render_table(results, subject, offline=True, colour=True))
    monkeypatch.setenv("NO_COLOR", "1")
    assert checklist.use_colour(Tty()) is False
    assert checklist.use_colour(open(os.devnull, "w")) is False


def _long_results():
    from trustpub.checks import Result

    words = " ".join(f".github/workflows/w{i}.yml:{i}" for i in range(12))
    return [Result("TP105", "id-token-on-publish-job", "Publishing job can mint the OIDC token for a trusted upload "
                   "to the index it names", "workflow", "fail", f"missing id-token: write in {words}", "fix_id_token.py"),
            Result("TP901", "old-token-revoked", "Old API token revoked on PyPI", "manual", "manual", "confirm",
                   "tokens.md#revoke"),
            Result("TP902", "github-secret-removed", "Token secret removed", "manual", "manual", "confirm",
                   "tokens.md#github-secret")]


def test_text_wraps_at_the_given_width_under_the_evidence_column():
    from trustpub.commands import checklist
    from trustpub.config import Subject

    subject = Subject("widget", "acme", "widget")
    for width in (60, 80, 120):
        lines = checklist.render_table(_long_results(), subject, offline=True, colour=False, width=width)
        assert all(len(line) <= width for line in lines), (width, [l for l in lines if len(l) > width])
        start = lines.index(next(l for l in lines if "TP105" in l))
        block = lines[start + 1:lines.index("", start)]
        assert len(block) > 2  # the evidence did wrap
        column = lines[start].index("Publishing")
        assert all(line.startswith(" " * column) and line[column] != " " for line in block)
    narrow = checklist.render_table(_long_results(), subject, offline=True, colour=False, width=60)
    wide = checklist.render_table(_long_results(), subject, offline=True, colour=False, width=120)
    assert len(narrow) > len(wide)
    # Colour codes do not count as columns.
    painted = checklist.render_table(_long_results(), subject, offline=True, colour=True, width=80)
    plain = checklist.render_table(_long_results(), subject, offline=True, colour=False, width=80)
    assert len(painted) == len(plain)


def test_width_is_80_when_not_a_terminal_and_the_terminals_otherwise(monkeypatch):
    import shutil

    from trustpub.commands import checklist

    class Tty:
        def isatty(self):
            return True
    assert checklist.output_width(open(os.devnull, "w")) == 80
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback: os.terminal_size((132, 40)))
    assert checklist.output_width(Tty()) == 132


def test_manual_items_fold_unless_asked_for():
    from trustpub.commands import checklist
    from trustpub.config import Subject

    subject = Subject("widget", "acme", "widget")
    folded = checklist.render_table(_long_results(), subject, offline=True, colour=False)
    assert "  MANUAL  TP9xx  2 to confirm by hand: docs/checklist.md (--manual lists them)" in folded
    assert not any("TP901" in line for line in folded)
    listed = checklist.render_table(_long_results(), subject, offline=True, colour=False, show_manual=True)
    assert any(line.startswith("  MANUAL  TP901  Old API token revoked") for line in listed)
    assert "1 pass" not in listed[-1] and "2 manual" in listed[-1]  # the summary counts them either way


# ---------------------------------------------------------------------------
# Bad input: one line, exit 2, no traceback
# ---------------------------------------------------------------------------
def test_not_a_git_repository(tmp_path):
    line = one_line_error(run("--repo", str(tmp_path), "--offline"))
    assert f"{tmp_path}: not a git repository" in line


def test_no_such_directory(tmp_path):
    assert "no such directory" in one_line_error(run("--repo", str(tmp_path / "nope")))


def test_no_workflow(make_repo, tmp_path):
    repo = make_repo(files={"pyproject.toml": PYPROJECT.format(version="1.0")})
    line = one_line_error(run("--repo", str(repo.path), "--offline", *SUBJECT_ARGS, home=tmp_path))
    assert "no workflow files in .github/workflows (expected .github/workflows/release.yml" in line


def test_unparseable_workflow(good_repo, tmp_path):
    good_repo.write(".github/workflows/broken.yml", "on: [push\njobs: {}\n")
    # A broken file among many is a finding about that file; every other workflow is still judged.
    res = run("--repo", str(good_repo.path), "--offline", *SUBJECT_ARGS, home=tmp_path)
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert re.search(r"^  FAIL +TP100 ", res.stdout, re.M)
    assert re.search(r"\.github/workflows/broken\.yml:\d+: not valid YAML", res.stdout)
    assert re.search(r"^  PASS +TP105 ", res.stdout, re.M)


@pytest.mark.parametrize("kind", ["missing", "directory", "binary", "not-ini"])
def test_unreadable_pypirc(good_repo, tmp_path, kind):
    path = tmp_path / "x.pypirc"
    if kind == "directory":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\x00\xff")
    elif kind == "not-ini":
        path.write_text("password = pypi-notinasection\n")
    line = one_line_error(run("--repo", str(good_repo.path), "--offline", "--pypirc", str(path), *SUBJECT_ARGS,
                              home=tmp_path))
    assert str(path) in line


def test_unknown_option():
    line = one_line_error(run("--frobnicate"))
    assert "unrecognized arguments: --frobnicate" in line


def test_unknown_check():
    assert "unknown check 'TP999'" in one_line_error(run("--offline", "--only", "TP999"))


def test_subject_cannot_be_told(make_repo, tmp_path):
    repo = make_repo(files={".github/workflows/release.yml": GOOD_RELEASE}, remote=False)
    line = one_line_error(run("--repo", str(repo.path), "--offline", home=tmp_path))
    assert "--project" in line


def test_help_documents_the_json_schema():
    res = run("--help")
    assert res.returncode == 0 and "checklist.schema.json" in res.stdout and "--offline" in res.stdout


def test_detects_the_subject_from_the_repository(make_repo, tmp_path):
    repo = make_repo(owner="acme", name="widget",
                     files={"pyproject.toml": PYPROJECT.format(version="1.2.3"),
                            ".github/workflows/publish.yml": sub(GOOD_RELEASE, "name: Release to PyPI", "name: P")})
    data = json.loads(run("--repo", str(repo.path), "--offline", "--json", home=tmp_path).stdout)
    assert data["subject"]["workflow"] == "publish.yml" and data["subject"]["owner"] == "acme"
    assert {c["id"]: c["status"] for c in data["checks"]}["TP401"] == "pass"


# ---------------------------------------------------------------------------
# Online, against PyPI stand-ins on 127.0.0.1 (TP_INDEX_URL points the index there)
# ---------------------------------------------------------------------------
def test_online_against_a_local_pypi(good_repo, tmp_path):
    from local_pypi import MockPyPI, project_json

    good_repo.write("pyproject.toml", PYPROJECT.format(version="1.4.2"))
    good_repo.commit("bump")
    good_repo.tag("v1.4.2", "release")
    with MockPyPI({"widget": project_json("widget", "1.4.2")}) as pypi:
        res = run("--repo", str(good_repo.path), "--json", *SUBJECT_ARGS, env={"TP_INDEX_URL": pypi.url},
                  home=tmp_path)
    data = json.loads(res.stdout)
    jsonschema.validate(data, SCHEMA)
    # Evidence that is a list of findings stays a JSON list (every file named); read it as one text here.
    status = {c["id"]: (c["status"], c["evidence"] if isinstance(c["evidence"], str) else " | ".join(c["evidence"]))
              for c in data["checks"]}
    assert isinstance(next(c for c in data["checks"] if c["id"] == "TP702")["evidence"], list)
    assert data["offline"] is False and data["subject"]["index_url"] == pypi.url
    assert status["TP701"][0] == "pass" and "latest 1.4.2" in status["TP701"][1]
    assert status["TP502"][0] == "pass"  # v1.4.2 is on the index and is its latest
    # The stand-in has no Integrity API: no provenance for the latest files, which is a failure.
    assert status["TP702"][0] == "fail" and "no provenance" in status["TP702"][1]
    assert res.returncode == 1


def test_online_with_a_silent_pypi_skips_within_the_budget(good_repo, tmp_path):
    import time

    from local_pypi import BlackHole

    with BlackHole() as hole:
        started = time.monotonic()
        res = run("--repo", str(good_repo.path), "--json", *SUBJECT_ARGS, env={"TP_INDEX_URL": hole.url},
                  home=tmp_path)
        elapsed = time.monotonic() - started
    data = json.loads(res.stdout)
    pypi = [c for c in data["checks"] if c["group"] == "pypi"]
    assert pypi and all(c["status"] == "skip" and "did not answer" in c["evidence"] for c in pypi)
    from trustpub.pypi import DEFAULT_BUDGET

    assert res.returncode == 0 and elapsed < DEFAULT_BUDGET + 10  # one budget, plus start-up on a busy machine
