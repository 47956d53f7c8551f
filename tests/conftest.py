"""Shared fixtures: real git repositories in temporary folders, with a local bare remote.

The remote is configured as a GitHub URL (so owner/repository detection works as
for a real user) and rewritten to the local bare repository with
`url.<path>.insteadOf`, so pushes and `ls-remote` never leave the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

# Property tests: a few thousand examples per editor in CI, a quick run locally.
settings.register_profile("ci", max_examples=2000, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("dev", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("explore", max_examples=300, deadline=None, phases=[Phase.explicit, Phase.generate],
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "dev"))

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
}


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}
    res = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {res.stderr}")
    return res.stdout


@dataclass
class GitRepo:
    path: Path
    remote: Path  # the local bare repository behind origin

    def write(self, relpath: str, text: str) -> Path:
        p = self.path / relpath
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return p

    def read(self, relpath: str) -> str:
        return (self.path / relpath).read_text(encoding="utf-8")

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def tag(self, name: str, message: str | None = None) -> None:
        if message:
            self.git("tag", "-a", name, "-m", message)
        else:
            self.git("tag", name)

    def push(self, *refs: str) -> None:
        self.git("push", "-q", "origin", *refs)

    def remote_tags(self) -> list[str]:
        out = git(self.remote, "tag", "--list")
        return out.split()


@pytest.fixture
def make_repo(tmp_path, monkeypatch):
    """make_repo(owner="acme", name="widget", files={...}) -> GitRepo with one commit pushed."""
    # Isolate from the developer's git config; the insteadOf rewrite lives in the repo's own config.
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for k, v in GIT_ENV.items():
        monkeypatch.setenv(k, v)
    counter = iter(range(1000))

    def factory(owner: str = "acme", name: str = "widget", files: dict[str, str] | None = None,
                remote: bool = True) -> GitRepo:
        n = next(counter)
        work = tmp_path / f"repo{n}"
        bare = tmp_path / f"remote{n}.git"
        work.mkdir()
        git(work, "init", "-q", "-b", "main")
        if remote:
            subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
            url = f"https://github.com/{owner}/{name}.git"
            git(work, "remote", "add", "origin", url)
            git(work, "config", f"url.{bare}.insteadOf", url)
        repo = GitRepo(work, bare)
        for rel, text in (files or {}).items():
            repo.write(rel, text)
        repo.commit("initial")
        if remote:
            repo.push("main")
        return repo

    return factory
