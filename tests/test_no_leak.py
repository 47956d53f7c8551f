"""No script leaks a token: every script and the checklist, on a repository and a `.pypirc` holding one.

The token (`pypi-AgEIcHlwaS5vcmc` + 150 base64url characters) sits in `.pypirc`
(found through $HOME, and through $PYPIRC), in the workflow (a hard-coded
`password:`), in a CI log, in a second git remote's URL and in the environment
(TWINE_PASSWORD). Each script runs with --yes, with --dry-run, and with --json
where it has it. The token must never appear in stdout or stderr, nor in any
file a script wrote, except a file that already held it (unchanged there); a
backup is redacted and owner-only (0600).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, git
from tally import count
from test_bad_input import SPECS, DEFAULT_SPEC, SCRIPTS, build_case, env_for, snapshot

TOKEN = "pypi-AgEIcHlwaS5vcmc" + "".join("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[(i * 7) % 64]
                                         for i in range(150))
BODY = TOKEN[len("pypi-"):]
PYPIRC = (f"[distutils]\nindex-servers =\n    pypi\n    testpypi\n\n[pypi]\nusername = __token__\npassword = {TOKEN}\n\n"
          f"[testpypi]\nrepository = https://test.pypi.org/legacy/\nusername = __token__\n# old: {TOKEN}\n"
          f"password = {TOKEN}\n")
WORKFLOW_WITH_TOKEN = (ROOT / "tests" / "data" / "seed_release.yml").read_text() + (
    f"        with:\n          user: __token__\n          password: {TOKEN}\n")
LOG = ("Run pypa/gh-action-pypi-publish@release/v1\n"
       f"  with:\n    password: {TOKEN}\n"
       "Error: Trusted publishing exchange failure: Token request failed: the server refused the request "
       "for the following reasons:\n\n* `invalid-publisher`: valid token, but no corresponding publisher "
       "(Publisher with matching claims was not found)\n\n"
       "The claims rendered below are **for debugging purposes only**.\n\n"
       "* `sub`: `repo:acme/widget:environment:pypi`\n* `repository`: `acme/widget`\n"
       "* `repository_owner`: `acme`\n* `job_workflow_ref`: `acme/widget/.github/workflows/release.yml@refs/tags/v1.1.0`\n"
       "* `ref`: `refs/tags/v1.1.0`\n"
       f"HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/ (password {TOKEN})\n")

MODES = ["yes", "dry-run", "json"]


def leaks(text: str) -> bool:
    # The whole token, or a long piece of its body (a "redaction" that shows too much).
    return TOKEN in text or BODY[:40] in text or BODY[-40:] in text


def cases():
    out = []
    for script in SCRIPTS:
        # $PYPIRC matters only to the scripts that read a .pypirc; the others run once, with $HOME.
        reads_pypirc = "{pypirc}" in SPECS.get(script, DEFAULT_SPEC).args
        for how in ("home", "env") if reads_pypirc else ("home",):
            has_json = '"--json"' in (ROOT / "scripts" / script).read_text()
            for mode in MODES if has_json else [m for m in MODES if m != "json"]:
                out.append(pytest.param(script, how, mode, id=f"{script}-{how}-{mode}"))
    return out


def prepare(tmp: Path):
    paths = build_case(tmp, "plain")
    repo, home = paths["repo"], paths["home"]
    (repo / ".github/workflows/release.yml").write_text(WORKFLOW_WITH_TOKEN)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hard-coded token (the thing to get rid of)")
    git(repo, "push", "-q", "origin", "main")
    git(repo, "remote", "add", "mirror", f"https://__token__:{TOKEN}@example.invalid/acme/widget.git")
    for p in (home / ".pypirc", tmp / "elsewhere.pypirc"):
        p.write_text(PYPIRC)
        p.chmod(0o600)
    (tmp / "job.log").write_text(LOG)
    return repo, home


@pytest.mark.parametrize("script, how, mode", cases())
def test_token_never_leaks(tmp_path, script, how, mode):
    repo, home = prepare(tmp_path)
    spec = SPECS.get(script, DEFAULT_SPEC)
    pypirc = home / ".pypirc" if how == "home" else tmp_path / "elsewhere.pypirc"
    fill = {"repo": str(repo), "pypirc": str(pypirc), "log": str(tmp_path / "job.log")}
    args = [a.format(**fill) for a in spec.args]
    if how == "env" and "--pypirc" in args:  # found through $PYPIRC instead of the option
        i = args.index("--pypirc")
        del args[i:i + 2]
    if mode == "dry-run":
        args = [a for a in args if a != "--yes"]
        args.append("--dry-run")
    elif mode == "json":
        args.append("--json")
    env = env_for(home)
    env["TWINE_PASSWORD"] = TOKEN
    if how == "env":
        env["PYPIRC"] = str(pypirc)
    before = snapshot(tmp_path)
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / script), *args], capture_output=True, text=True,
                         env=env, cwd=tmp_path, timeout=90, stdin=subprocess.DEVNULL)
    after = snapshot(tmp_path)
    shown = f"{script} {' '.join(args)} -> exit {res.returncode}\n{res.stderr[-1500:]}"
    assert "Traceback" not in res.stderr, shown
    assert not leaks(res.stdout), f"token on stdout: {shown}"
    assert not leaks(res.stderr), f"token on stderr: {shown}"
    if mode == "json" and res.stdout.strip():
        json.loads(res.stdout)  # it is JSON (and, above, without the token)
    written = 0
    for rel, entry in after.items():
        if entry[0] != "file" or before.get(rel) == entry:
            continue
        written += 1
        data = entry[2]
        if rel.startswith("repo/.git/objects/") or rel.startswith("remote.git/objects/"):
            continue  # zlib-compressed git objects: the token was committed before the run (by the user)
        text = data.decode("utf-8", "replace")
        if leaks(text):
            had = before.get(rel)
            assert had is not None and leaks(had[2].decode("utf-8", "replace")), \
                f"{rel}: the token was written into a file that did not hold it\n{shown}"
        if rel.endswith(".bak"):
            assert not leaks(text), f"{rel}: backup holds the token"
            assert entry[1] & 0o077 == 0, f"{rel}: backup mode {oct(entry[1])}"
    count(inputs=1, leak_runs=1, files_written_checked=written)


def test_the_token_looks_real():
    from trustpub.secrets import TOKEN_RE
    assert len(TOKEN) == len("pypi-AgEIcHlwaS5vcmc") + 150 and TOKEN_RE.fullmatch(TOKEN)
