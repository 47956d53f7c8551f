"""What the workflow fixers' tests share: running a script the way a user does, and the checklist verdict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
SRC = ROOT / "src"
SEED = ROOT / "tests" / "data" / "seed_release.yml"
VENV_BIN = ROOT / ".venv" / "bin"
WF = ".github/workflows/release.yml"
PYPROJECT = '[project]\nname = "widget"\nversion = "1.2.3"\n'

if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from trustpub.config import Subject  # noqa: E402

SUBJECT = Subject(project="widget", owner="acme", repository="widget", workflow="release.yml",
                  environment="pypi", testpypi_environment="testpypi")


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def run_script(script: str, repo: Path, *args: str, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    """The script as a user runs it; stdin=DEVNULL means: no terminal to ask."""
    return subprocess.run([sys.executable, str(SCRIPTS / script), "--repo", str(repo), *args],
                          capture_output=True, text=True, stdin=stdin, timeout=120)


def status(repo: Path, slug: str, subject: Subject = SUBJECT) -> str:
    from trustpub.checks import result_by_slug, run_checks
    from trustpub.repo import Repo

    results = run_checks(Repo.open(repo), subject, offline=True, only=[slug])
    return result_by_slug(results, slug).status


def file_bytes(repo: Path, rel: str = WF) -> bytes:
    return (repo / rel).read_bytes()


def assert_fixer_contract(repo: Path, script: str, slugs: list[str], rel: str = WF,
                          subject: Subject = SUBJECT) -> tuple[bytes, bytes]:
    """before: checks fail; --dry-run and no terminal change nothing; --yes fixes; a second run does nothing.

    Returns the file's bytes before and after the fix.
    """
    before = file_bytes(repo, rel)
    for slug in slugs:
        assert status(repo, slug, subject) in ("fail", "warn"), slug  # warn: workflow-level id-token reaching only jobs that need it

    dry = run_script(script, repo, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"--- a/{rel}" in dry.stdout and f"+++ b/{rel}" in dry.stdout
    assert "dry run: nothing changed" in dry.stderr
    assert file_bytes(repo, rel) == before

    asked = run_script(script, repo)  # no terminal, no --yes
    assert asked.returncode == 1, asked.stderr
    assert "not applied: no terminal" in asked.stderr
    assert file_bytes(repo, rel) == before

    fixed = run_script(script, repo, "--yes")
    assert fixed.returncode == 0, fixed.stderr
    after = file_bytes(repo, rel)
    assert after != before
    assert fixed.stdout.strip() == dry.stdout.strip()  # what was shown is what was applied
    for slug in slugs:
        assert status(repo, slug, subject) == "pass", slug
    assert not (repo / (rel + ".bak")).exists()  # under git: no backup

    again = run_script(script, repo, "--yes")
    assert again.returncode == 0, again.stderr
    assert "nothing to do" in again.stderr
    assert again.stdout == ""
    assert file_bytes(repo, rel) == after
    return before, after


def unchanged_lines(before: bytes, after: bytes) -> list[bytes]:
    """The lines of `before` that are still in `after`, in order (a line-level LCS)."""
    import difflib

    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [line for tag, i1, i2, _, _ in sm.get_opcodes() if tag == "equal" for line in a[i1:i2]]


def removed_lines(before: bytes, after: bytes) -> list[bytes]:
    import difflib

    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [line for tag, i1, i2, _, _ in sm.get_opcodes() if tag in ("delete", "replace") for line in a[i1:i2]]


def bad_input_cases(make_repo, script: str) -> None:
    """Not a git repo, no workflow, unparseable YAML: one line on stderr, exit 2, nothing changed."""
    import tempfile

    with tempfile.TemporaryDirectory() as plain:
        res = run_script(script, Path(plain), "--yes")
        assert res.returncode == 2 and "not a git repository" in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr

    empty = make_repo(files={"README.md": "hi\n"})
    res = run_script(script, empty.path, "--yes")
    assert res.returncode == 2, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr

    broken = make_repo(files={WF: "on: [push\njobs: {\n", "pyproject.toml": PYPROJECT})
    res = run_script(script, broken.path, "--yes")
    assert res.returncode == 2, res.stderr
    assert "release.yml" in res.stderr and "not valid YAML" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr

    ok = make_repo(files={WF: seed_text(), "pyproject.toml": PYPROJECT})
    res = run_script(script, ok.path, "--yes", "--workflow", "nope.yml")
    assert res.returncode == 2 and "nope.yml: no such workflow file" in res.stderr
    assert file_bytes(ok.path) == seed_text().encode()
