"""The wheel in a fresh environment, run from outside the repository: `trustpub`, `python -m trustpub`,
`python -m` of every module the wheel holds, and a checklist, a fixer and diagnose on a user's repository."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from _installed import Installed, install_wheel
from test_packaging import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
HATCH_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.24"]
build-backend = "hatchling.build"

[project]
name = "widget"
version = "1.2.0"
"""
CHANGELOG = "# Changelog\n\n## Unreleased\n\n- a change\n\n## 1.2.0\n\n- first release\n"
OLD_PUBLISH = "pypa/gh-action-pypi-publish@ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e # v1.13.0"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    return install_wheel(tmp_path_factory.mktemp("installed"))


def user_repo_files(publish: str | None = None) -> dict[str, str]:
    """A maintainer's repository set up as the guide teaches (this guide's own two workflows)."""
    files = {f".github/workflows/{p.name}": p.read_text(encoding="utf-8") for p in WORKFLOWS.glob("*pypi*.yml")}
    files[".github/workflows/release.yml"] = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    if publish:
        for name, text in files.items():
            files[name] = "\n".join(
                line.split("uses:")[0] + f"uses: {publish}" if "gh-action-pypi-publish@" in line else line
                for line in text.split("\n"))
    files["pyproject.toml"] = HATCH_PYPROJECT
    files["CHANGELOG.md"] = CHANGELOG
    return files


def run(installed: Installed, args: list[str], cwd: Path, home: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=installed.env(home, **env), capture_output=True, text=True,
                          timeout=180, stdin=subprocess.DEVNULL)


@pytest.fixture
def elsewhere(tmp_path) -> Path:
    """A folder outside the repository and outside the user's project."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def test_the_wheels_trustpub_is_the_one_imported(installed, elsewhere):
    res = run(installed, [str(installed.python), "-c", "import trustpub; print(trustpub.__file__)"],
              elsewhere, elsewhere)
    assert res.returncode == 0, res.stderr
    assert Path(res.stdout.strip()).is_relative_to(installed.venv), res.stdout
    assert not Path(res.stdout.strip()).is_relative_to(ROOT)


@pytest.mark.parametrize("launcher", ["trustpub", "python -m trustpub"])
def test_help_and_version(installed, elsewhere, launcher):
    cmd = [str(installed.bin / launcher)] if launcher == "trustpub" else [str(installed.python), "-m", "trustpub"]
    res = run(installed, [*cmd, "--help"], elsewhere, elsewhere)
    assert res.returncode == 0, res.stderr
    for sub in ("check", "diagnose", "fix-id-token", "publisher-values", "push-test-tag", "release", "scrub-pypirc"):
        assert f"\n  {sub} " in res.stdout, sub
    version = run(installed, [*cmd, "--version"], elsewhere, elsewhere)
    assert version.returncode == 0 and version.stdout == "trustpub 0.1.0\n", version.stdout + version.stderr
    sub = run(installed, [*cmd, "fix-id-token", "--help"], elsewhere, elsewhere)
    assert sub.returncode == 0 and sub.stdout.startswith("usage: trustpub fix-id-token"), sub.stdout


@pytest.mark.parametrize("launcher", ["trustpub", "python -m trustpub"])
def test_checklist_and_a_dry_run_fixer_on_a_users_repository(installed, make_repo, elsewhere, launcher):
    cmd = [str(installed.bin / "trustpub")] if launcher == "trustpub" else [str(installed.python), "-m", "trustpub"]
    repo = make_repo(files=user_repo_files(publish=OLD_PUBLISH))
    before = repo.read(".github/workflows/release.yml")
    res = run(installed, [*cmd, "check", "--offline", "--repo", str(repo.path)], elsewhere, elsewhere)
    assert res.returncode == 1, res.stdout + res.stderr  # TP114: v1.13.0 cannot upload hatchling's 2.5
    words = " ".join(res.stdout.split())  # the text output wraps at 80 columns off a terminal
    assert "FAIL TP114" in words and "move to pypa/gh-action-pypi-publish v1.14.2" in words
    fix_line = next(line.strip() for line in res.stdout.splitlines()
                    if line.strip().startswith("fix: trustpub fix-action-ref"))
    assert fix_line == f"fix: trustpub fix-action-ref --repo {repo.path}"
    # the fix the checklist printed, pasted as printed (with --dry-run first, as the guide says)
    dry = run(installed, [*cmd, *fix_line.removeprefix("fix: trustpub ").split(), "--dry-run"],
              elsewhere, elsewhere)
    assert dry.returncode == 0, dry.stderr
    assert "+        uses: pypa/gh-action-pypi-publish@dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2" in dry.stdout
    assert repo.read(".github/workflows/release.yml") == before  # --dry-run changed nothing
    fixed = run(installed, [*cmd, *fix_line.removeprefix("fix: trustpub ").split(), "--yes"], elsewhere, elsewhere)
    assert fixed.returncode == 0, fixed.stderr
    again = run(installed, [*cmd, "check", "--offline", "--repo", str(repo.path), "--only", "TP114"],
                elsewhere, elsewhere)
    assert again.returncode == 0 and "PASS    TP114" in again.stdout, again.stdout


def test_sarif_and_json_formats_from_the_installed_command(installed, make_repo, elsewhere):
    repo = make_repo(files=user_repo_files(publish=OLD_PUBLISH))
    sarif = run(installed, ["trustpub", "check", "--offline", "--repo", str(repo.path), "--format", "sarif"],
                elsewhere, elsewhere)
    assert sarif.returncode == 1
    log = json.loads(sarif.stdout)
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert "TP114" in [r["ruleId"] for r in results], [r["message"]["text"] for r in results]
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)
    as_json = run(installed, ["trustpub", "check", "--offline", "--repo", str(repo.path), "--json"],
                  elsewhere, elsewhere)
    assert json.loads(as_json.stdout)["summary"]["exit_code"] == 1


def wheel_modules(installed: Installed) -> list[str]:
    [wheel] = installed.dist.glob("*.whl")
    names = [n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".py")]
    return sorted(n[:-3].replace("/", ".").removesuffix(".__init__") for n in names)


def test_python_m_of_every_module_runs_something_or_says_how_to_run_the_toolkit(installed, elsewhere):
    from trustpub.commands import COMMANDS

    modules = wheel_modules(installed)
    assert "trustpub.config" in modules and "trustpub.checks.base" in modules
    commands = {f"trustpub.commands.{c.module}": c for c in COMMANDS}
    for module in modules:
        res = run(installed, [str(installed.python), "-m", module, "--help"], elsewhere, elsewhere)
        if module in ("trustpub", "trustpub.__main__"):
            assert res.returncode == 0 and res.stdout.startswith("usage: trustpub"), module
        elif module in commands:
            assert res.returncode == 0 and res.stdout.startswith(f"usage: python -m {module}"), (module, res.stdout)
        else:
            lines = res.stderr.splitlines()
            assert res.returncode == 2 and len(lines) == 1 and "`trustpub --help`" in lines[0], (module, res.stderr)
            assert res.stdout == ""


def test_every_fix_the_checklist_prints_runs_as_printed(installed, make_repo, elsewhere):
    """The seed workflow fails many checks: each `fix: trustpub …` line, pasted as printed (from another
    folder, so with its --repo), shows its diff with --dry-run and then fixes with --yes."""
    from test_checks import SEED

    files = {"pyproject.toml": HATCH_PYPROJECT, ".github/workflows/release.yml": SEED}
    repo = make_repo(files=files)
    res = run(installed, ["trustpub", "check", "--offline", "--repo", str(repo.path), "--workflow", "release.yml"],
              elsewhere, elsewhere)
    assert res.returncode == 1, res.stdout + res.stderr
    fixes = sorted({line.strip().removeprefix("fix: ") for line in res.stdout.splitlines()
                    if line.strip().startswith("fix: trustpub ")})
    assert len(fixes) >= 2, res.stdout  # fix-id-token and harden-workflow at least
    for fix in fixes:
        assert fix.endswith(f" --repo {repo.path}"), fix
        dry = run(installed, [*fix.split(), "--dry-run"], elsewhere, elsewhere)
        assert dry.returncode in (0, 1) and "Traceback" not in dry.stderr, (fix, dry.stdout, dry.stderr)
        assert "--- a/" in dry.stdout or "nothing to do" in dry.stderr or dry.returncode == 1, (fix, dry.stderr)
    assert repo.read(".github/workflows/release.yml") == SEED  # the dry runs changed nothing


def test_the_script_diagnose_prints_is_the_installed_command(installed, make_repo, elsewhere):
    from trustpub.commands import BY_NAME

    log = elsewhere / "failed.log"
    log.write_text("Error: Trusted publishing exchange failure: \nToken request failed: the server refused the "
                   "request for the following reasons:\n\n* `invalid-publisher`: valid token, but no corresponding "
                   "publisher (Publisher with matching claims was not found)\n")
    res = run(installed, ["trustpub", "diagnose", str(log)], elsewhere, elsewhere)
    assert res.returncode == 0, res.stderr
    commands = [line.split("run:", 1)[1].strip() for line in res.stdout.splitlines() if line.strip().startswith("run:")]
    assert commands, res.stdout
    for command in commands:
        words = command.split()
        assert words[0] == "trustpub" and words[1] in BY_NAME, command
