"""Every `trustpub` command the site prints, run as printed against a user's repository, with the
installed wheel (tests/_installed.py), from the folder the page means: the repository's root.

`uvx trustpub …` and `pipx run trustpub …` run through stand-ins that start the installed command,
as those tools do once they have fetched it; `python -m pip install trustpub` runs for real, with pip
told (by environment variables) to take the wheel from this build instead of the index. PyPI is not
asked: TP_OFFLINE=1, the documented switch. Each command's outcome is the one the docs give it.
"""

from __future__ import annotations

import json
import re
import stat
import subprocess
from pathlib import Path

import pytest

from _installed import Installed, install_wheel, make_venv
from _rendered import console_commands, page_fences, shared_build
from test_install import user_repo_files
from test_sarif import validate
from trustpub.diagnose import example_log
from trustpub.checks import SCHEMA_ID
from trustpub.config import Subject

SHELL_LANGS = ("bash", "sh", "shell")
# What each printed command is documented to do (exit status), by its words after `trustpub`.
# A printed command with no entry here fails the test: a new command on a page needs its outcome.
EXPECTED = {
    "check --repo .": 0,  # a repository set up as the guide teaches: nothing fails
    "check --repo . --offline": 0,
    "check --repo ../mypkg --project mypkg": 0,
    "check --repo . --format json": 0,
    "check --repo . --format sarif": 0,
    # the command the checklist and workflow pages build from the reader's values (here: the reader of
    # the test repository, acme/widget, whose workflow publishes as release.yml in environment pypi)
    "check --repo . --project widget --owner acme --repository widget --workflow release.yml "
    "--environment pypi --index pypi": 0,
    # the page's example names a monorepo's folder; this test's repository has its one package at the
    # root, so the folder is not a Python project: bad input, one line, exit 2
    "check --package packages/core": 2,
    "fix-attestations --dry-run": 0,  # nothing to do
    "harden-workflow --dry-run": 0,
    "harden-workflow": 0,
    "publisher-values": 0,
    "release 0.3.0 --dry-run": 0,
    "release 0.3.0": 1,  # no terminal, no --yes: shows the diff, "not applied" (exit 1), changes nothing
    "push-test-tag --wait 600": 1,  # no terminal, no --yes: shows the plan, "not applied", pushes nothing
    "push-test-tag --cleanup": 0,
    "scrub-pypirc --dry-run": 0,
    "scrub-pypirc": 0,
    "diagnose failed-job.log": 0,  # recognised
    "diagnose": 0,  # the log on stdin
}
STUBS = {
    "uvx": '#!/bin/sh\n# uvx NAME ARGS: runs the NAME it installed\nexec "$@"\n',
    "pipx": '#!/bin/sh\n# pipx run NAME ARGS\n[ "$1" = run ] || exit 9\nshift\nexec "$@"\n',
    "gh": '#!/bin/sh\n# gh run view --log-failed: prints the failed job\'s log\ncat "$TP_TEST_LOG"\n',
}


# The reader of these tests: the owner of the test repository (tests/test_install.py user_repo_files).
READER = {"project": "widget", "project_slug": "widget", "owner": "acme", "repository": "widget"}


def as_reader(text: str) -> str:
    """The text as the reader sees it once "Your project" is filled in: each marked subject value
    (macros/personal.py) becomes the reader's; the other marked values stay the configured ones."""
    from macros.personal import END, KEYS, mark, unmark

    for key in KEYS:
        opening = mark(key, "")[:2]  # START and the character naming the key
        text = re.sub(re.escape(opening) + f"([^{END}]*){END}", lambda m, key=key: READER.get(key, m.group(1)), text)
    return unmark(text)


@pytest.fixture(scope="module")
def printed(request) -> list[tuple[str, str]]:
    """(page, command line) for every shell line of the built site that runs trustpub."""
    build = shared_build(request.config)
    assert build.ok, build.log[-3000:]
    found = []
    for pf in page_fences(build):
        if pf.fence.lang in SHELL_LANGS:
            text = pf.fence.content
        elif pf.fence.lang == "console":
            text = console_commands(pf.fence.content)
        else:
            continue
        for line in as_reader(text).splitlines():
            line = line.split("  #", 1)[0].strip()
            if re.search(r"(^|\s|\|\s*)trustpub(\s|$)", line):
                found.append((pf.page, line))
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    return install_wheel(tmp_path_factory.mktemp("site-commands"))


def test_the_pages_print_the_installed_form_only(printed):
    assert len(printed) >= 15, printed
    for page, line in printed:
        assert "scripts/" not in line and "python scripts" not in line, (page, line)
    pages = {page for page, _ in printed}
    assert {"index.md", "scripts.md", "checklist.md"} <= pages
    for page in ("index.md", "scripts.md"):  # the install section: uvx, pipx and pip
        lines = [line for p, line in printed if p == page]
        assert any(line.startswith("uvx trustpub ") for line in lines), page
        assert any(line.startswith("pipx run trustpub ") for line in lines), page
        assert "python -m pip install trustpub" in lines, page


def words_after_trustpub(line: str) -> str:
    command = line.split("|")[-1].strip()
    command = re.sub(r"^(uvx |pipx run )", "", command)
    command = command.split(">")[0].strip()
    return command.removeprefix("trustpub").strip()


def test_every_printed_command_has_a_documented_outcome(printed):
    missing = sorted({line for _, line in printed
                      if "pip install" not in line and words_after_trustpub(line) not in EXPECTED})
    assert not missing, f"commands on the pages with no expected outcome in this test: {missing}"


def test_every_printed_command_runs_as_printed(printed, installed, make_repo, tmp_path):
    from local_pypi import MockPyPI

    home = tmp_path / "home"
    home.mkdir()
    (home / ".pypirc").write_text("[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\n")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name, text in STUBS.items():
        (stubs / name).write_text(text)
        (stubs / name).chmod(0o755 | stat.S_IXUSR)
    log = tmp_path / "failed-job.log"
    log.write_text(example_log(Subject(project="widget", owner="acme", repository="widget"), "release.yml"))
    with MockPyPI({}) as pypi:
        ran = 0
        for page, line in printed:
            files = user_repo_files()  # at 0.2.0: the pages release 0.3.0 next
            files["pyproject.toml"] = files["pyproject.toml"].replace('version = "1.2.0"', 'version = "0.2.0"')
            files["CHANGELOG.md"] = files["CHANGELOG.md"].replace("## 1.2.0", "## 0.2.0")
            repo = make_repo(files=files)
            sibling = repo.path.parent / "mypkg"
            if not sibling.exists():
                sibling.symlink_to(repo.path)
            (repo.path / "failed-job.log").write_text(log.read_text())
            env = installed.env(home, TP_OFFLINE="1", TP_INDEX_URL=pypi.url, TP_TEST_LOG=str(log),
                                PIP_NO_INDEX="1", PIP_FIND_LINKS=str(installed.dist))
            env["PATH"] = f"{installed.bin}:{stubs}:{env['PATH']}"
            if "pip install" in line:
                fresh = make_venv(tmp_path / f"pip-venv-{ran}")
                env["PATH"] = f"{fresh / 'bin'}:{env['PATH']}"
                # this fresh venv has no pip of its own: the test environment's pip installs into it
                cmd = line.replace("python -m pip install", f"{_pip()} --python {fresh / 'bin' / 'python'} install")
            else:
                cmd = line
            res = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=repo.path, env=env, capture_output=True,
                                 text=True, timeout=180, stdin=subprocess.DEVNULL)
            ran += 1
            if "pip install" in line:
                assert res.returncode == 0, (page, line, res.stdout + res.stderr)
                assert (tmp_path / f"pip-venv-{ran - 1}" / "bin" / "trustpub").is_file()
                continue
            expected = EXPECTED[words_after_trustpub(line)]
            assert res.returncode == expected, (page, line, res.returncode, res.stdout[-2000:], res.stderr[-2000:])
            assert "Traceback" not in res.stderr, (page, line, res.stderr)
            if "> checklist.json" in line:
                assert json.loads((repo.path / "checklist.json").read_text())["schema"] == SCHEMA_ID
            if "> checklist.sarif" in line:
                validate(json.loads((repo.path / "checklist.sarif").read_text()))
            if words_after_trustpub(line).startswith("diagnose"):
                assert "[invalid-publisher]" in res.stdout, (line, res.stdout)
        assert ran == len(printed)


def _pip() -> str:
    import sys

    return f"{sys.executable} -m pip"


def test_the_ci_snippets_name_what_action_yml_and_the_hooks_have(request):
    from ruamel.yaml import YAML

    from test_action import ACTION, HOOKS, load

    build = shared_build(request.config)
    blocks = {pf.fence.title: pf.fence.content for pf in page_fences(build) if pf.page == "checklist.md"}
    workflow = YAML(typ="safe", pure=True).load(blocks["trustpub.yml, in your .github/workflows/"])
    [step] = [s for s in workflow["jobs"]["checklist"]["steps"] if "trustpub@" in s.get("uses", "")]
    assert set(step.get("with", {})) <= set(load(ACTION)["inputs"])
    assert workflow["jobs"]["checklist"]["permissions"]["security-events"] == "write"
    config = YAML(typ="safe", pure=True).load(blocks[".pre-commit-config.yaml"])
    ids = {h["id"] for h in load(HOOKS)}
    assert {h["id"] for r in config["repos"] for h in r["hooks"]} <= ids
    assert not Path(config["repos"][0]["repo"]).exists()  # a URL of the guide's repository, not a path
