"""The in-page diagnosis's runtime: Pyodide from its npm package, and trustpub's diagnosis code.

Pyodide's version is the exact one in package.json (no lock file with download addresses in the
repository). The first build installs it with `npm install --no-package-lock` into a cache folder
(.cache/tp-pyodide/<version>, or $TP_PYODIDE_CACHE); every build after that, and every rebuild of
`mkdocs serve`, only links (or copies) the few files the diagnosis needs into the built site.

The diagnosis code is the import closure of `trustpub.diagnose` within trustpub, found from the
sources at build time, so however that module is split the page ships what it imports. It must be
standard library only beyond trustpub (Pyodide has no other packages here): anything else stops
the build with one line.
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_JSON = ROOT / "package.json"
CACHE_ENV = "TP_PYODIDE_CACHE"
NPM_TIMEOUT = 600.0  # seconds for the one-time install (about 14 MB)
# What the diagnosis needs of the npm package: the loader, the interpreter, the standard library
# and the lock file the loader reads at start-up. No other Pyodide package is used.
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
SITE_SUBDIR = "assets/pyodide"
BUNDLE_NAME = "trustpub-diagnose.json"
ENTRY_MODULE = "trustpub.diagnose"
PACKAGE = "trustpub"

MSG_NO_NPM = ("pyodide: npm not found; the troubleshooting page's in-browser diagnosis installs Pyodide "
              "{version} from npm once (install Node.js and npm)")
MSG_NPM_FAILED = "pyodide: `npm install pyodide@{version}` failed: {why}"
MSG_MISSING_FILE = "pyodide: the npm package pyodide@{version} has no {name}"
MSG_BAD_PACKAGE_JSON = "{path}: expected dependencies.pyodide to be an exact version like 0.27.5: {why}"
MSG_NOT_STDLIB = ("pyodide: {module} (imported by {by}) is neither trustpub nor the standard library; "
                  "the in-page diagnosis cannot run it")


class PyodideError(Exception):
    """The site cannot ship the in-page diagnosis (one line)."""


def pyodide_version(package_json: Path = PACKAGE_JSON) -> str:
    try:
        version = json.loads(package_json.read_text(encoding="utf-8"))["dependencies"]["pyodide"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PyodideError(MSG_BAD_PACKAGE_JSON.format(path=package_json, why=exc)) from None
    if not isinstance(version, str) or not version.replace(".", "").isdigit():
        raise PyodideError(MSG_BAD_PACKAGE_JSON.format(path=package_json, why=f"{version!r} is not exact"))
    return version


def cache_dir(version: str) -> Path:
    base = Path(os.environ[CACHE_ENV]) if os.environ.get(CACHE_ENV) else ROOT / ".cache" / "tp-pyodide"
    return base / version


def ensure_installed(version: str, npm: str | None = None) -> Path:
    """The folder holding the npm package's files, installing it the first time (one process at a time)."""
    target = cache_dir(version)
    package = target / "node_modules" / "pyodide"
    if (package / RUNTIME_FILES[0]).is_file():
        return package
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel builds (the test suite) install once
        if (package / RUNTIME_FILES[0]).is_file():
            return package
        npm = npm or shutil.which("npm")
        if not npm:
            raise PyodideError(MSG_NO_NPM.format(version=version))
        work = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=target.parent))
        try:
            (work / "package.json").write_text(json.dumps(
                {"private": True, "dependencies": {"pyodide": version}}), encoding="utf-8")
            try:
                res = subprocess.run([npm, "install", "--no-package-lock", "--ignore-scripts", "--no-audit",
                                      "--no-fund", "--omit=dev"], cwd=work, capture_output=True, text=True,
                                     timeout=NPM_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise PyodideError(MSG_NPM_FAILED.format(version=version, why=f"no answer in {NPM_TIMEOUT:g}s")) from None
            if res.returncode != 0:
                why = (res.stderr.strip().splitlines() or [f"exit {res.returncode}"])[-1]
                raise PyodideError(MSG_NPM_FAILED.format(version=version, why=why))
            for name in RUNTIME_FILES:
                if not (work / "node_modules" / "pyodide" / name).is_file():
                    raise PyodideError(MSG_MISSING_FILE.format(version=version, name=name))
            if target.exists():
                shutil.rmtree(target)
            os.replace(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return package


# -- the diagnosis code ------------------------------------------------------

def _module_file(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):  # `trustpub.config.index_host`: a name inside a module
        return None
    return Path(spec.origin) if spec and spec.origin and spec.origin.endswith(".py") else None


def _imports(path: Path, module: str, is_package: bool) -> list[tuple[str, bool]]:
    """(absolute name, imported at module level) of each import of a source file (relative ones
    resolved). An import inside a function runs only when it is called: a third-party one there
    (trustpub.config reads YAML lazily) is allowed, since the diagnosis does not call it."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[str, bool]] = []

    def visit(node, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    parts = parts[:len(parts) - child.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                found.append((base, inner))
                found.extend((f"{base}.{alias.name}", inner) for alias in child.names)  # `from pkg import module`
            visit(child, inner)

    visit(tree, True)
    return found


def diagnosis_sources(entry: str = ENTRY_MODULE, package: str = PACKAGE) -> dict[str, str]:
    """{"trustpub/diagnose.py": source, ...}: the entry module, every trustpub module it imports at
    module level (transitively), and their packages' __init__.py. An import inside a function is
    not followed (the diagnosis does not run that code: `trustpub/__init__.py` imports the commands
    only when run as `python -m`); the in-page agreement test would show it if it did."""
    files: dict[str, str] = {}
    todo, seen = [entry], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        top = name.split(".")[0]
        if top != package:
            if top not in sys.stdlib_module_names and top != "__future__":
                raise PyodideError(MSG_NOT_STDLIB.format(module=name, by=", ".join(sorted(files)) or entry))
            continue
        path = _module_file(name)
        if path is None:
            continue  # `from trustpub.x import a_function`: the name is not a module
        parts = name.split(".")
        is_package = path.name == "__init__.py"
        rel = "/".join(parts) + ("/__init__.py" if is_package else ".py")
        files[rel] = path.read_text(encoding="utf-8")
        todo.extend(".".join(parts[:n]) for n in range(1, len(parts)))  # parent packages
        todo.extend(module for module, top_level in _imports(path, name, is_package) if top_level)
    return dict(sorted(files.items()))


def _same(src: Path, dest: Path) -> bool:
    try:
        a, b = src.stat(), dest.stat()
    except OSError:
        return False
    return (a.st_ino == b.st_ino and a.st_dev == b.st_dev) or (a.st_size == b.st_size and a.st_mtime_ns <= b.st_mtime_ns)


def _place(src: Path, dest: Path) -> None:
    """dest is src's content: a hard link when they share a file system (no copy at all)."""
    if _same(src, dest):
        return
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copy2(src, tmp)
    os.replace(tmp, dest)


def runtime_megabytes() -> float | None:
    """What a reader downloads the first time they use the box (None before the first install)."""
    package = cache_dir(pyodide_version()) / "node_modules" / "pyodide"
    try:
        return sum((package / name).stat().st_size for name in RUNTIME_FILES) / 1e6
    except OSError:
        return None


SOURCES_CACHE = "diagnosis-sources.json"


def cached_diagnosis_sources(cache_file: Path, entry: str = ENTRY_MODULE, package: str = PACKAGE) -> dict[str, str]:
    """diagnosis_sources(), kept in cache_file until a file of the package changes (size or mtime):
    reading the import closure costs every build about 35 ms otherwise."""
    init = _module_file(package)
    if init is None:
        return diagnosis_sources(entry, package)
    stamps = sorted((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in init.parent.rglob("*.py"))
    key = hashlib.sha256(json.dumps([entry, stamps]).encode()).hexdigest()
    try:
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
        if cached.get("key") == key and isinstance(cached.get("files"), dict):
            return cached["files"]
    except (OSError, ValueError, AttributeError):
        pass  # no cache yet, or a damaged one: read the sources again
    files = diagnosis_sources(entry, package)
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        work = cache_file.with_name(f".{cache_file.name}.{os.getpid()}")
        work.write_text(json.dumps({"key": key, "files": files}), encoding="utf-8")
        os.replace(work, cache_file)
    except OSError:
        pass  # a read-only or full cache folder only costs the next build the same reading
    return files


def install_into(site_dir: Path, package_json: Path = PACKAGE_JSON) -> dict:
    """Put Pyodide's runtime files and the diagnosis bundle under site_dir/assets/pyodide/."""
    version = pyodide_version(package_json)
    package = ensure_installed(version)
    out = site_dir / SITE_SUBDIR
    out.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_FILES:
        _place(package / name, out / name)
    sources = cached_diagnosis_sources(cache_dir(version) / SOURCES_CACHE)
    bundle = json.dumps({"version": version, "entry": ENTRY_MODULE, "files": sources}, sort_keys=True)
    digest = hashlib.sha256(bundle.encode()).hexdigest()[:16]
    target = out / BUNDLE_NAME
    if not target.is_file() or hashlib.sha256(target.read_bytes()).hexdigest()[:16] != digest:
        target.write_text(bundle, encoding="utf-8")
    return {"version": version, "files": sorted(sources)}
