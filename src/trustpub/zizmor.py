"""Running zizmor (general GitHub Actions audits) once, in the background, on a repository's workflows.

Standard library only, so `checklist.py` can start zizmor before it imports the
YAML parser: zizmor then runs while Python imports and parses, and the checklist
costs little more than zizmor alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Union

WORKFLOWS_DIR = ".github/workflows"
TIMEOUT = 60.0  # seconds for one zizmor run

# What `Run.result()` gives: the findings (a list), None when zizmor is not installed,
# or one line saying why there are no findings to show (it failed or timed out).
Findings = Union[list, None, str]

_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
# "WARN collect_inputs: ...: failed to validate file:///repo/.github/workflows/x.yml as workflow: <why>"
_SKIPPED_RE = re.compile(r"^.*failed to (?:validate|load|parse) (?:file://)?(?P<path>\S+?)(?: as \w+)?: (?P<why>.*)$")
_PENDING: dict[Path, "Run"] = {}


def executable() -> str | None:
    """zizmor installed next to this Python (the project's venv), else on PATH."""
    beside = Path(sys.executable).parent / ("zizmor.exe" if os.name == "nt" else "zizmor")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("zizmor")


def workflow_files(root: Path) -> list[Path]:
    folder = root / WORKFLOWS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


class Run:
    """One zizmor process on a list of workflow files."""

    def __init__(self, root: Path, files: list[Path]) -> None:
        self.root = root
        self.files = files
        self.started = time.monotonic()
        self._result: Findings = None
        self._done = False
        self.not_audited: list[str] = []  # "path: why" for each file zizmor could not audit
        self._proc: subprocess.Popen | None = None
        exe = executable()
        if exe is None:
            self._done = True  # result None: not installed
        elif not files:
            self._result, self._done = [], True
        else:
            self._proc = subprocess.Popen(
                [exe, "--offline", "--format", "json", "--no-progress", *map(str, files)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=root,
                env={**os.environ, "NO_COLOR": "1"})

    def result(self) -> Findings:
        if self._done:
            return self._result
        proc = self._proc
        assert proc is not None
        try:
            stdout, stderr = proc.communicate(timeout=max(1.0, TIMEOUT - (time.monotonic() - self.started)))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            self._result, self._done = f"zizmor did not finish within {TIMEOUT:g}s", True
            return self._result
        self._done = True
        lines = [_ANSI_RE.sub("", ln).strip() for ln in stderr.decode("utf-8", "replace").splitlines()]
        lines = [ln for ln in lines if ln]
        # Files zizmor could not read as workflows (it audits the others and says so on stderr).
        self.not_audited = [_SKIPPED_RE.sub(r"\g<path>: \g<why>", ln) for ln in lines if _SKIPPED_RE.search(ln)]
        # zizmor exits 0 without findings and 10 or more with findings; anything else is an error.
        if proc.returncode != 0 and proc.returncode < 10:
            error = self.not_audited or [ln for ln in lines if "error" in ln.lower()] or lines or ["no output"]
            self._result = f"zizmor failed (exit {proc.returncode}): {error[0]}"
            return self._result
        try:
            data = json.loads(stdout or b"[]")
        except ValueError:
            data = "zizmor printed something that is not JSON"
        self._result = data if isinstance(data, (list, str)) else "zizmor's JSON is not a list"
        return self._result

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()


def start(root: Path) -> Run:
    """zizmor on `root`'s workflows: a run started earlier with `prestart` when there is one, else a new one."""
    root = root.resolve()
    files = workflow_files(root)
    run = _PENDING.pop(root, None)
    if run is not None and run.files == files:
        return run
    if run is not None:
        run.stop()
    return Run(root, files)


def prestart(root: Path) -> None:
    """Start zizmor now on `root`'s workflows; the next `start(root)` picks the run up."""
    root = root.resolve()
    if root not in _PENDING and (root / WORKFLOWS_DIR).is_dir():
        _PENDING[root] = Run(root, workflow_files(root))


def discard() -> None:
    """Stop every run started with `prestart` that nobody picked up (e.g. the input was bad)."""
    while _PENDING:
        _PENDING.popitem()[1].stop()
