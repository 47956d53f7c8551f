"""Bad-input matrix: every script in scripts/*.py (found at run time) against every kind of bad input.

Rows: missing, empty, binary, non-UTF-8, unparseable, a directory or a FIFO in
place of each file the script reads; a folder that is no git repository, one that
does not exist, a repository without a remote, a detached HEAD, a shallow clone;
unknown options. The default expectation is the project standard: exit 2, one
line on stderr naming the file (or folder, or option) and the problem, no
traceback, and not one byte or mode changed anywhere (repository, its .git, the
remote, HOME). Where a script legitimately works in a case, `WORKS` says so
explicitly, with the exit codes its docstring documents.

Scripts run as subprocesses (the real `python scripts/x.py` path), with --yes
where they edit, so a script that missed the bad input would write and be caught.
The network is never used: TP_OFFLINE=1 and TP_INDEX_URL points at a closed port.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import GIT_ENV, ROOT, git
from faultserver import closed_port
from tally import count

SCRIPTS_DIR = ROOT / "scripts"
SCRIPTS = sorted(p.name for p in SCRIPTS_DIR.glob("*.py") if not p.name.startswith("_"))
PYTHON = sys.executable
TIMEOUT = 60  # seconds per run; a FIFO read that blocks would otherwise hang forever

TOKEN = "pypi-AgEIcHlwaS5vcmc" + "Zm9vYmFyLWJhei1xdXV4" * 7 + "AbCdEfGhIj"
WORKFLOW = (ROOT / "tests" / "data" / "seed_release.yml").read_text()
PYPROJECT = '[project]\nname = "widget"\nversion = "1.0.0"  # bumped by release.py\n'
CHANGELOG = ("# Changelog\n\n## [Unreleased]\n\n- Faster widgets.\n\n## [1.0.0] - 2026-01-01\n\n- First release.\n\n"
             "[Unreleased]: https://github.com/acme/widget/compare/v1.0.0...HEAD\n"
             "[1.0.0]: https://github.com/acme/widget/releases/tag/v1.0.0\n")
PYPIRC = f"[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\npassword = {TOKEN}\n"
LOG = ("Run pypa/gh-action-pypi-publish@release/v1\n"
       "Error: Trusted publishing exchange failure: Token request failed: the server refused the request "
       "for the following reasons:\n\n* `invalid-publisher`: valid token, but no corresponding publisher "
       "(Publisher with matching claims was not found)\n")

# The files a script reads: name -> (path relative to the case folder, unparseable content or None).
INPUTS = {
    "workflow": ("repo/.github/workflows/release.yml", b"on: [push\njobs: {\n  build: [\n"),
    "pyproject": ("repo/pyproject.toml", b"[project\nname = 'widget'\n"),
    "changelog": ("repo/CHANGELOG.md", None),  # any text is Markdown
    "pypirc": ("home/.pypirc", b"password = x\n[pypi\n"),
    "log": ("job.log", None),
}


@dataclass(frozen=True)
class Spec:
    args: tuple[str, ...]       # {repo} {pypirc} {log} are filled in
    inputs: tuple[str, ...]     # keys of INPUTS
    repo: bool = True           # takes --repo and works on a git repository


SPECS = {
    "checklist.py": Spec(("--repo", "{repo}", "--offline", "--pypirc", "{pypirc}"), ("workflow", "pyproject", "pypirc")),
    "diagnose.py": Spec(("{log}", "--repo", "{repo}"), ("log",)),
    "fix_action_ref.py": Spec(("--repo", "{repo}", "--yes"), ("workflow",)),
    "fix_attestations.py": Spec(("--repo", "{repo}", "--yes"), ("workflow",)),
    "fix_id_token.py": Spec(("--repo", "{repo}", "--yes"), ("workflow",)),
    "fix_tag_overlap.py": Spec(("--repo", "{repo}", "--yes"), ("workflow",)),
    "harden_workflow.py": Spec(("--repo", "{repo}", "--yes"), ("workflow",)),
    "publisher_values.py": Spec(("--repo", "{repo}", "--offline", "--yes"), ("workflow", "pyproject")),
    "push_test_tag.py": Spec(("--repo", "{repo}", "--offline", "--yes"), ("workflow", "pyproject")),
    "release.py": Spec(("1.1.0", "--repo", "{repo}", "--offline", "--yes", "--date", "2026-11-25"),
                       ("pyproject", "changelog")),
    "scrub_pypirc.py": Spec(("--pypirc", "{pypirc}", "--yes"), ("pypirc",), repo=False),
}
DEFAULT_SPEC = Spec(("--repo", "{repo}", "--yes"), ("workflow",))  # a script added later

FILE_CASES = ["missing", "empty", "binary", "not-utf8", "unparseable", "directory", "fifo"]
REPO_CASES = ["not-git", "no-such-dir", "no-remote", "detached-head", "shallow-clone"]
USAGE_CASES = ["unknown-option", "option-missing-value"]


@dataclass(frozen=True)
class Works:
    """A documented, legitimate outcome instead of exit 2."""

    codes: tuple[int, ...]
    why: str
    may_change: bool = False   # the run is allowed to write (it is a normal fix)


# (script, case, input or None) -> what the script documents for it. Everything else: exit 2, one line, no change.
WORKS: dict[tuple[str, str, str | None], Works] = {}


def works(script: str, case: str, inp: str | None, codes: tuple[int, ...], why: str, may_change=False) -> None:
    WORKS[(script, case, inp)] = Works(codes, why, may_change)


_EDITORS = ["fix_action_ref.py", "fix_attestations.py", "fix_id_token.py", "fix_tag_overlap.py", "harden_workflow.py"]
for _s in _EDITORS + ["checklist.py", "publisher_values.py", "diagnose.py"]:
    # Nothing in these needs a branch or full history: the workflow file is the same either way.
    works(_s, "detached-head", None, (0, 1), "reads/edits the working tree only", may_change=True)
    works(_s, "shallow-clone", None, (0, 1), "reads/edits the working tree only", may_change=True)
for _s in _EDITORS:
    works(_s, "no-remote", None, (0, 1), "workflow edits need no remote", may_change=True)
works("diagnose.py", "no-remote", None, (0, 1), "the log names the publisher; the remote only adds a comparison")
works("diagnose.py", "not-git", None, (0, 1), "a log can be diagnosed anywhere; --repo only adds a comparison")
works("diagnose.py", "no-such-dir", None, (0, 1), "a log can be diagnosed anywhere; --repo only adds a comparison")
works("scrub_pypirc.py", "empty", "pypirc", (0,), "an empty .pypirc holds no token: nothing to do")
works("checklist.py", "empty", "pypirc", (0, 1), "an empty .pypirc holds no token: the item passes")
for _case in ("empty", "binary", "not-utf8", "unparseable"):
    # Issue 14: a workflow file among the repository's is not input the user named; it is a finding.
    works("checklist.py", _case, "workflow", (1,),
          "a broken workflow is a finding (TP100 fails naming the file and line); the rest is still judged")
works("release.py", "missing", "changelog", (0, 1), "no CHANGELOG.md: the release goes on without one",
      may_change=True)
works("release.py", "empty", "changelog", (0, 1), "an empty CHANGELOG.md has nothing to move", may_change=True)
works("push_test_tag.py", "no-remote", None, (1,), "documented refusal (exit 1): no origin to push the tag to")
works("release.py", "detached-head", None, (1,), "documented refusal (exit 1): check out the branch to release from")
works("release.py", "shallow-clone", None, (0,), "a release needs HEAD and the tags, not the full history",
      may_change=True)
for _case in ("missing", "directory", "fifo"):
    works("push_test_tag.py", _case, "workflow", (1,),
          "documented refusal (exit 1): no workflow runs on the test tag, pushing it would test nothing")
works("release.py", "fifo", "changelog", (1,),
      "documented refusal (exit 1): the FIFO replaced a tracked file, so the working tree is not clean")
works("diagnose.py", "fifo", "log", (0,), "a pipe (e.g. <(gh run view --log)) is a normal way to pass a log")
works("push_test_tag.py", "detached-head", None, (0, 1), "a test tag marks HEAD, branch or not", may_change=True)
works("push_test_tag.py", "shallow-clone", None, (0, 1), "a tag at HEAD needs no history", may_change=True)


def spec_for(script: str) -> Spec:
    return SPECS.get(script, DEFAULT_SPEC)


def cases() -> list:
    out = []
    for script in SCRIPTS:
        spec = spec_for(script)
        for case in FILE_CASES:
            for inp in spec.inputs:
                if case == "unparseable" and INPUTS[inp][1] is None:
                    continue
                out.append(pytest.param(script, case, inp, id=f"{script}-{case}-{inp}"))
        if spec.repo:
            for case in REPO_CASES:
                out.append(pytest.param(script, case, None, id=f"{script}-{case}"))
        for case in USAGE_CASES:
            out.append(pytest.param(script, case, None, id=f"{script}-{case}"))
    return out


# -- the case folder -----------------------------------------------------------

def build_case(tmp: Path, case: str) -> dict[str, Path]:
    home = tmp / "home"
    home.mkdir()
    (home / ".pypirc").write_text(PYPIRC)
    (home / ".pypirc").chmod(0o600)
    (tmp / "job.log").write_text(LOG)
    repo = tmp / "repo"
    bare = tmp / "remote.git"
    files = {".github/workflows/release.yml": WORKFLOW, "pyproject.toml": PYPROJECT, "CHANGELOG.md": CHANGELOG}
    url = "https://github.com/acme/widget.git"
    if case == "not-git":
        for rel, text in files.items():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_text(text)
        return {"repo": repo, "home": home, "tmp": tmp}
    src = tmp / "src" if case == "shallow-clone" else repo
    src.mkdir()
    git(src, "init", "-q", "-b", "main")
    for rel, text in files.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text)
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "initial")
    git(src, "tag", "-a", "v1.0.0", "-m", "v1.0.0")
    (src / "README.md").write_text("widget\n")
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", "second")
    if case != "no-remote":
        subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
        git(src, "remote", "add", "origin", url)
        git(src, "config", f"url.{bare}.insteadOf", url)
        git(src, "push", "-q", "origin", "main", "v1.0.0")
    if case == "shallow-clone":
        git(tmp, "clone", "-q", "--depth", "1", "--branch", "main", f"file://{bare}", str(repo))
        git(repo, "remote", "set-url", "origin", url)
        git(repo, "config", f"url.{bare}.insteadOf", url)
        shutil.rmtree(src)
        assert (repo / ".git" / "shallow").exists()
    if case == "detached-head":
        git(repo, "checkout", "-q", "--detach", "HEAD")
    return {"repo": repo, "home": home, "tmp": tmp}


def corrupt(path: Path, case: str, unparseable: bytes | None) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    if case == "missing":
        return
    if case == "empty":
        path.write_bytes(b"")
    elif case == "binary":
        path.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)))
    elif case == "not-utf8":
        path.write_bytes(b"# caf\xe9 cr\xe8me\nname = \xff\xfe\n")
    elif case == "unparseable":
        assert unparseable is not None
        path.write_bytes(unparseable)
    elif case == "directory":
        path.mkdir()
        (path / "inside.txt").write_text("x\n")
    elif case == "fifo":
        os.mkfifo(path)
    else:
        raise AssertionError(case)


def snapshot(root: Path) -> dict[str, tuple]:
    """Every path under `root`: kind, mode and bytes (FIFOs and folders by kind and mode only)."""
    snap: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            rel = str(p.relative_to(root))
            if stat.S_ISREG(st.st_mode):
                snap[rel] = ("file", stat.S_IMODE(st.st_mode), p.read_bytes())
            elif stat.S_ISLNK(st.st_mode):
                snap[rel] = ("link", os.readlink(p))
            else:
                snap[rel] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode))
    return snap


def env_for(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TP_", "PYPIRC", "GIT_", "CI"))}
    env.update(GIT_ENV)
    env.update(HOME=str(home), TP_OFFLINE="1", TP_INDEX_URL=f"http://127.0.0.1:{closed_port()}",
               NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1", GIT_CONFIG_NOSYSTEM="1")
    env.pop("PYPIRC", None)
    return env


def run_script(script: str, args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([PYTHON, str(SCRIPTS_DIR / script), *args], capture_output=True, text=True,
                              env=env, cwd=cwd, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        # A FIFO read blocks until a writer comes: open one to release the script before failing.
        raise AssertionError(f"{script} {' '.join(args)}: hung for {TIMEOUT}s (blocked reading?)") from exc


def feed_fifo(path: Path, text: str) -> None:
    """Write the log into the pipe, as a shell's process substitution would."""
    with open(path, "w") as fh:  # blocks until the script opens it for reading
        fh.write(text)


def unblock_fifo(path: Path) -> None:
    """The script never read the pipe: open its reading end so the feeder thread can finish."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        os.close(fd)
    except OSError:
        pass


def test_every_script_is_covered():
    """New scripts are picked up automatically; a spec is needed only to say which files they read."""
    assert "checklist.py" in SCRIPTS and len(SCRIPTS) >= 11
    missing = [s for s in SCRIPTS if s not in SPECS]
    assert not missing, f"scripts without a bad-input spec (covered with DEFAULT_SPEC meanwhile): {missing}"


@pytest.mark.parametrize("script, case, inp", cases())
def test_bad_input(tmp_path, script, case, inp):
    spec = spec_for(script)
    paths = build_case(tmp_path, case)
    repo, home = paths["repo"], paths["home"]
    pypirc = home / ".pypirc"
    log = tmp_path / "job.log"
    named = None  # what the error line must name
    if inp is not None:
        rel, unparseable = INPUTS[inp]
        target = tmp_path / rel
        corrupt(target, case, unparseable)
        named = target.name
        if inp == "workflow" and case in ("missing", "directory", "fifo"):
            named = ".github/workflows"  # no workflow file left to name: the folder is named
        if target.is_relative_to(repo) and case != "fifo":
            # Committed, as a user's bad file would be: a dirty tree must not hide the bad input.
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", f"{case} {inp}")
    fill = {"repo": str(repo), "pypirc": str(pypirc), "log": str(log)}
    args = [a.format(**fill) for a in spec.args]
    if case == "no-such-dir":
        args = [str(tmp_path / "nowhere") if a == str(repo) else a for a in args]
        named = "nowhere"
    elif case == "not-git":
        named = str(repo)
    elif case == "no-remote":
        named = "origin"
    elif case == "unknown-option":
        args.append("--frobnicate")
        named = "--frobnicate"
    elif case == "option-missing-value":
        args.append("--repo" if "--repo" in spec.args else "--pypirc")
        named = args[-1]

    before = snapshot(tmp_path)
    feeder = None
    if case == "fifo" and inp == "log":
        feeder = threading.Thread(target=feed_fifo, args=(log, LOG), daemon=True)
        feeder.start()
    try:
        res = run_script(script, args, env_for(home), cwd=tmp_path)
    finally:
        if feeder is not None and feeder.is_alive():
            unblock_fifo(log)
    after = snapshot(tmp_path)
    shown = res.stdout + res.stderr
    context = f"{script} {case} {inp or ''}: exit {res.returncode}\nstdout: {res.stdout[-800:]}\nstderr: {res.stderr[-1500:]}"
    assert "Traceback" not in shown, context
    assert TOKEN not in shown, context
    expected = WORKS.get((script, case, inp))
    if expected is not None:
        assert res.returncode in expected.codes, f"{expected.why}\n{context}"
        if not expected.may_change:
            assert before == after, f"files changed\n{context}"
    else:
        assert res.returncode == 2, context
        lines = res.stderr.strip().splitlines()
        # Progress notes may come first; the error itself is one line, the last one.
        errors = [ln for ln in lines if ": error: " in ln]
        assert len(errors) == 1 and errors[0] == lines[-1], f"want one error line, last\n{context}"
        assert named in errors[0], f"the error must name {named!r}\n{context}"
        assert before == after, f"files changed: {sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))}\n{context}"
    count(inputs=1, bad_inputs=1)


# -- unreadable files ------------------------------------------------------------
# chmod 000 does not stop root (these tests often run as root in CI containers), so the
# permission error is raised in-process where each reader opens the file, and the
# subprocess row runs only for an ordinary user.

@pytest.mark.parametrize("reader", ["read_text", "read_exact", "read_pypirc", "read_pyproject"])
def test_unreadable_file_in_process(tmp_path, monkeypatch, reader):
    from trustpub.edit import read_exact
    from trustpub.errors import BadInput
    from trustpub.pypirc import read_pypirc
    from trustpub.pyproject import read_pyproject
    from trustpub.repo import read_text

    target = tmp_path / ".pypirc"
    target.write_text(PYPIRC)
    real = Path.read_bytes

    def denied(self):
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    call = {"read_text": read_text, "read_exact": read_exact, "read_pypirc": read_pypirc,
            "read_pyproject": read_pyproject}[reader]
    with pytest.raises(BadInput) as exc:
        call(target)
    message = str(exc.value)
    assert ".pypirc" in message and ("permission denied" in message.lower()) and "\n" not in message
    count(inputs=1, bad_inputs=1)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway; covered in-process above")
@pytest.mark.parametrize("script", ["scrub_pypirc.py", "checklist.py"])
def test_unreadable_pypirc_subprocess(tmp_path, script):
    paths = build_case(tmp_path, "plain")
    pypirc = paths["home"] / ".pypirc"
    pypirc.chmod(0)
    args = [a.format(repo=str(paths["repo"]), pypirc=str(pypirc), log="") for a in SPECS[script].args]
    res = run_script(script, args, env_for(paths["home"]), cwd=tmp_path)
    assert res.returncode == 2 and ".pypirc" in res.stderr and "Traceback" not in res.stderr
