"""macros/pyodide.py: Pyodide from npm (once, cached), and the diagnosis code's import closure."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from macros import pyodide

FAKE_NPM = """#!/bin/sh
# Stands in for `npm install`: writes the package's files as npm would (and records that it ran).
echo run >> "{log}"
[ -n "{fail}" ] && {{ echo "npm ERR! 404 Not Found - GET https://registry.npmjs.org/pyodide" >&2; exit 1; }}
mkdir -p node_modules/pyodide
for f in {files}; do echo "$f" > "node_modules/pyodide/$f"; done
"""


def fake_npm(tmp_path, fail: bool = False):
    log = tmp_path / "npm.log"
    npm = tmp_path / "npm"
    npm.write_text(FAKE_NPM.format(log=log, fail="1" if fail else "", files=" ".join(pyodide.RUNTIME_FILES)))
    npm.chmod(npm.stat().st_mode | stat.S_IEXEC)
    return str(npm), log


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(pyodide.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_diagnosis_ships_its_import_closure_and_nothing_third_party():
    files = pyodide.diagnosis_sources()
    assert "trustpub/diagnose.py" in files or "trustpub/diagnose/__init__.py" in files
    assert {"trustpub/__init__.py", "trustpub/config.py", "trustpub/errors.py"} <= set(files)
    # Not the checklist, the fixers or the HTTP client: the diagnosis does not import them.
    assert not any(name.startswith(("trustpub/checks", "trustpub/commands", "trustpub/pypi")) for name in files)


def test_closure_follows_imports_and_refuses_a_third_party_module(tmp_path, monkeypatch):
    pkg = tmp_path / "tpfake"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("import json\nfrom . import b\nfrom .sub import c\n\ndef later():\n    import yaml\n"
                              "    from tpfake import bad\n")
    (pkg / "b.py").write_text("from tpfake.sub.c import VALUE\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "c.py").write_text("VALUE = 1\n")
    (pkg / "bad.py").write_text("import httpx\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    files = pyodide.diagnosis_sources("tpfake.a", package="tpfake")
    assert sorted(files) == ["tpfake/__init__.py", "tpfake/a.py", "tpfake/b.py", "tpfake/sub/__init__.py",
                             "tpfake/sub/c.py"]
    with pytest.raises(pyodide.PyodideError, match="httpx .* neither tpfake nor the standard library|httpx"):
        pyodide.diagnosis_sources("tpfake.bad", package="tpfake")
    for name in [m for m in sys.modules if m.startswith("tpfake")]:
        del sys.modules[name]


def test_the_closure_is_read_again_only_when_a_source_changes(tmp_path, monkeypatch):
    pkg = tmp_path / "tpcached"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from tpcached import b\n")
    (pkg / "b.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    cache_file = tmp_path / "cache" / "sources.json"
    reads = []
    real = pyodide.diagnosis_sources
    monkeypatch.setattr(pyodide, "diagnosis_sources", lambda *a, **k: reads.append(a) or real(*a, **k))
    first = pyodide.cached_diagnosis_sources(cache_file, "tpcached.a", "tpcached")
    assert first == real("tpcached.a", "tpcached") and len(reads) == 1
    assert pyodide.cached_diagnosis_sources(cache_file, "tpcached.a", "tpcached") == first and len(reads) == 1
    (pkg / "b.py").write_text("VALUE = 22  # changed\n")  # another size: a new stamp
    again = pyodide.cached_diagnosis_sources(cache_file, "tpcached.a", "tpcached")
    assert len(reads) == 2 and again["tpcached/b.py"] == "VALUE = 22  # changed\n"
    cache_file.write_text("{not json")  # a damaged cache is read past, not trusted
    assert pyodide.cached_diagnosis_sources(cache_file, "tpcached.a", "tpcached") == again and len(reads) == 3
    for name in [m for m in sys.modules if m.startswith("tpcached")]:
        del sys.modules[name]


def test_npm_runs_once_and_the_site_gets_links_not_copies(tmp_path, cache):
    npm, log = fake_npm(tmp_path)
    version = pyodide.pyodide_version()
    package = pyodide.ensure_installed(version, npm=npm)
    assert pyodide.ensure_installed(version, npm=npm) == package
    assert log.read_text().count("run") == 1, "npm ran again although the package was cached"
    site = tmp_path / "site"
    result = pyodide.install_into(site)
    out = site / pyodide.SITE_SUBDIR
    assert sorted(p.name for p in out.iterdir()) == sorted([*pyodide.RUNTIME_FILES, pyodide.BUNDLE_NAME])
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()}
    pyodide.install_into(site)  # a rebuild (mkdocs serve): nothing is copied or rewritten
    assert {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()} == before
    assert (out / "pyodide.asm.wasm").stat().st_ino == (package / "pyodide.asm.wasm").stat().st_ino
    bundle = json.loads((out / pyodide.BUNDLE_NAME).read_text())
    assert bundle["version"] == version and sorted(bundle["files"]) == result["files"]


def test_a_failing_npm_is_one_line_and_leaves_no_half_install(tmp_path, cache):
    npm, _ = fake_npm(tmp_path, fail=True)
    with pytest.raises(pyodide.PyodideError) as err:
        pyodide.ensure_installed("0.0.1", npm=npm)
    assert str(err.value) == "pyodide: `npm install pyodide@0.0.1` failed: npm ERR! 404 Not Found - GET https://registry.npmjs.org/pyodide"
    assert not (cache / "0.0.1").exists()


def test_no_npm_says_what_to_install(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(pyodide.PyodideError, match="npm not found.*install Node.js and npm"):
        pyodide.ensure_installed("0.0.2")


@pytest.mark.parametrize("text", ['{"dependencies": {"pyodide": "^0.27.0"}}', '{"dependencies": {}}', "not json"])
def test_package_json_must_pin_an_exact_version(tmp_path, text):
    path = tmp_path / "package.json"
    path.write_text(text)
    with pytest.raises(pyodide.PyodideError, match="package.json: expected dependencies.pyodide to be an exact version"):
        pyodide.pyodide_version(path)


def test_the_repository_pins_pyodide_and_keeps_no_lock_file():
    from macros.pyodide import PACKAGE_JSON, ROOT

    assert pyodide.pyodide_version(PACKAGE_JSON)
    assert not (ROOT / "package-lock.json").exists()
    assert "package-lock=false" in (ROOT / ".npmrc").read_text()
    assert os.path.basename(str(PACKAGE_JSON)) == "package.json"
