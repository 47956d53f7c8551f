"""scrub_pypirc.py end to end: the file a user really has, the checklist before/after, backups, modes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from trustpub.pypirc import read_pypirc

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "scrub_pypirc.py"
TOKEN_A = "pypi-AgEIcHlwaS5vcmcCJDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
TOKEN_B = "pypi-AgENdGVzdC5weXBpLm9yZwBBBBBBBBBBBBBBBBBBBBBBBB"

USER_FILE = ("\ufeff# written by hand — ü\r\n[distutils]\r\nindex-servers =\r\n    pypi\r\n    testpypi\r\n\r\n"
             f"[pypi]\r\nusername = __token__\r\npassword = {TOKEN_A}\r\n\r\n"
             "[testpypi]\r\nrepository = https://test.pypi.org/legacy/\r\nusername = __token__\r\n"
             f"password =\r\n    {TOKEN_B}\r\n")
EXPECTED = ("\ufeff# written by hand — ü\r\n[distutils]\r\nindex-servers =\r\n    pypi\r\n    testpypi\r\n\r\n"
            "[testpypi]\r\nrepository = https://test.pypi.org/legacy/\r\nusername = __token__\r\n")


def run_script(*args: str, env_extra: dict | None = None, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          env=env, stdin=stdin, timeout=60)


@pytest.fixture
def pypirc(tmp_path) -> Path:
    p = tmp_path / ".pypirc"
    p.write_bytes(USER_FILE.encode("utf-8"))
    p.chmod(0o600)
    return p


def exact(p: Path) -> str:
    return p.read_bytes().decode("utf-8")


def check_status(path: Path, make_repo) -> str | None:
    """The checklist's verdict on `no-token-in-pypirc`, when the checklist exists."""
    try:
        from trustpub.checks import result_by_slug, run_checks
    except ImportError:
        return None
    from trustpub.config import Subject
    from trustpub.repo import Repo

    repo = make_repo()
    subject = Subject(project="widget", owner="acme", repository="widget")
    results = run_checks(Repo.open(repo.path), subject, offline=True, pypirc=path)
    return result_by_slug(results, "no-token-in-pypirc").status


def test_scrub_end_to_end(pypirc, make_repo):
    before = check_status(pypirc, make_repo)
    assert before in (None, "fail")
    assert read_pypirc(pypirc).has_token

    res = run_script("--pypirc", str(pypirc), "--yes")
    assert res.returncode == 0, res.stderr
    assert exact(pypirc) == EXPECTED
    assert stat.S_IMODE(pypirc.stat().st_mode) == 0o600
    backup = pypirc.with_name(".pypirc.bak")
    assert backup.exists() and stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert TOKEN_A not in backup.read_text(encoding="utf-8") and TOKEN_B not in backup.read_text(encoding="utf-8")
    assert "[pypi]" in backup.read_text(encoding="utf-8")  # the backup is the old file, only redacted
    for stream in (res.stdout, res.stderr):
        assert TOKEN_A not in stream and TOKEN_B not in stream
        assert TOKEN_A[:20] not in stream  # not even a long prefix
    assert "pypi-AgEI…[redacted" in res.stdout
    assert "[pypi] is left with nothing but a username" in res.stdout
    assert "index-servers" in res.stderr  # the decision to leave it is said out loud

    after = check_status(pypirc, make_repo)
    assert after in (None, "pass")

    again = run_script("--pypirc", str(pypirc), "--yes")
    assert again.returncode == 0 and "nothing to do" in again.stderr
    assert exact(pypirc) == EXPECTED


def test_dry_run_changes_nothing(pypirc):
    res = run_script("--pypirc", str(pypirc), "--dry-run")
    assert res.returncode == 0
    assert exact(pypirc) == USER_FILE
    assert not pypirc.with_name(".pypirc.bak").exists()
    assert "-password = pypi-AgEI…[redacted" in res.stdout and TOKEN_A not in res.stdout


def test_no_terminal_without_yes_changes_nothing(pypirc):
    res = run_script("--pypirc", str(pypirc))
    assert res.returncode == 1 and "--yes" in res.stderr
    assert exact(pypirc) == USER_FILE


def test_default_path_from_env_and_missing_file(tmp_path, pypirc):
    res = run_script("--yes", env_extra={"PYPIRC": str(pypirc)})
    assert res.returncode == 0 and exact(pypirc) == EXPECTED
    none = run_script("--yes", env_extra={"PYPIRC": str(tmp_path / "absent")})
    assert none.returncode == 0 and "nothing to do" in none.stderr
    given = run_script("--pypirc", str(tmp_path / "absent"))
    assert given.returncode == 2 and given.stderr.count("\n") == 1


def test_unparseable_ini_exit_2_one_line(tmp_path):
    bad = tmp_path / "bad"
    bad.write_text(f"password = {TOKEN_A}\n[pypi]\n", encoding="utf-8")
    res = run_script("--pypirc", str(bad), "--yes")
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "not a valid .pypirc" in res.stderr
    assert TOKEN_A not in res.stderr and "Traceback" not in res.stderr
    assert bad.read_text(encoding="utf-8").startswith("password")


def test_world_readable_mode_is_kept_not_widened(tmp_path):
    p = tmp_path / "rc"
    p.write_text(f"[pypi]\nrepository = https://upload.pypi.org/legacy/\npassword = {TOKEN_A}\n", encoding="utf-8")
    p.chmod(0o640)
    assert run_script("--pypirc", str(p), "--yes").returncode == 0
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    assert stat.S_IMODE(p.with_name("rc.bak").stat().st_mode) == 0o600  # the backup is owner-only
    assert p.read_text(encoding="utf-8") == "[pypi]\nrepository = https://upload.pypi.org/legacy/\n"


def test_help():
    res = run_script("--help")
    assert res.returncode == 0 and "--pypirc" in res.stdout and "--dry-run" in res.stdout


def test_token_where_no_option_holds_it_is_reported_and_file_untouched(tmp_path, make_repo):
    p = tmp_path / "rc"
    text = f"[{TOKEN_A}]\nrepository = https://upload.pypi.org/legacy/\n"
    p.write_text(text, encoding="utf-8")
    res = run_script("--pypirc", str(p), "--yes")
    assert res.returncode == 1 and "line 1" in res.stderr and TOKEN_A not in res.stderr + res.stdout
    assert p.read_text(encoding="utf-8") == text
    assert check_status(p, make_repo) in (None, "fail")  # the checklist does not call it clean either
