"""The toolkit as a user gets it: this project's wheel installed into a fresh virtual environment.

No network: the wheel is installed with `pip --no-index --no-deps`, and the environment
reaches its dependencies (httpx, ruamel.yaml, ...) through a .pth file naming the test
environment's site-packages (links to its entries, leaving out trustpub's own editable install),
which holds them because they are trustpub's own dependencies: `import trustpub` finds the
wheel's copy only, and pip sees no trustpub installed before it installs one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

from test_packaging import ROOT, tracked_copy

DEPS_PTH = "test-dependencies.pth"


@dataclass
class Installed:
    venv: Path
    dist: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def env(self, home: Path, **extra: str) -> dict[str, str]:
        """A user's shell: the environment's bin first on PATH, nothing of this checkout."""
        keep = {k: v for k, v in os.environ.items()
                if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME") and not k.startswith(("TP_", "PIP_"))}
        path = os.pathsep.join([str(self.bin), keep.get("PATH", "/usr/bin:/bin")])
        return {**keep, "PATH": path, "HOME": str(home), "NO_COLOR": "1", "COLUMNS": "100", **extra}


def build_dist(dest: Path) -> Path:
    source = tracked_copy(dest / "src")
    out = dest / "dist"
    res = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return out


def dependencies_folder(where: Path) -> Path:
    """The test environment's site-packages without trustpub itself (its editable install), as links."""
    deps = where / "test-dependencies"
    deps.mkdir(parents=True, exist_ok=True)
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name.lower()
        if name.startswith(("trustpub", "__editable__", "_trustpub")) or name.endswith(".pth"):
            continue
        link = deps / entry.name
        if not link.exists():
            link.symlink_to(entry)
    return deps


def make_venv(where: Path) -> Path:
    """A fresh environment (no pip of its own: the test environment's pip installs into it)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=120)
    [site] = list((where / "lib").glob("python3*/site-packages"))
    (site / DEPS_PTH).write_text(f"{dependencies_folder(where.parent / (where.name + '-deps'))}\n", encoding="utf-8")
    return where


def pip_install(venv: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                           "--quiet", "--disable-pip-version-check", "--no-index", *args],
                          capture_output=True, text=True, timeout=300)


def install_wheel(dest: Path) -> Installed:
    if not (ROOT / ".git").exists():
        import pytest

        pytest.skip("not a git checkout: cannot tell the tracked files")
    dist = build_dist(dest)
    venv = make_venv(dest / "venv")
    [wheel] = dist.glob("*.whl")
    res = pip_install(venv, "--no-deps", str(wheel))
    assert res.returncode == 0, res.stdout + res.stderr
    return Installed(venv, dist)
