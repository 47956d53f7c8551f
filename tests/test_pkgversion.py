"""trustpub.pkgversion: the version a package's build produced at a commit, read the way its backend reads it."""

from __future__ import annotations

from trustpub.packages import Package
from trustpub.pkgversion import versions_at
from trustpub.repo import Repo


def at_head(make_repo, files: dict[str, str], pkg: Package):
    gr = make_repo(files=files)
    repo = Repo.open(gr.path)
    [found] = versions_at(repo, [(repo.head, pkg)])
    return found


def test_static_hatch_path_setuptools_attr_and_file(make_repo):
    root = Package(".", "pyproject.toml", "w", "x")
    assert at_head(make_repo, {"pyproject.toml": '[project]\nname="w"\nversion="1.2"\n'}, root).version == "1.2"
    hatch = '[project]\nname="w"\ndynamic=["version"]\n[tool.hatch.version]\npath="w/about.py"\n'
    found = at_head(make_repo, {"pyproject.toml": hatch, "w/about.py": "__version__: str = 'v2.0.1'\n"}, root)
    assert (found.kind, found.version, found.detail) == ("static", "2.0.1", "w/about.py")
    attr = '[project]\nname="w"\ndynamic=["version"]\n[tool.setuptools.dynamic]\nversion={attr="w.version.VERSION"}\n'
    found = at_head(make_repo, {"pyproject.toml": attr, "src/w/version.py": 'VERSION = "3.1"\n'}, root)
    assert (found.version, found.detail) == ("3.1", "src/w/version.py")
    text = '[project]\nname="w"\ndynamic=["version"]\n[tool.setuptools.dynamic]\nversion={file="VERSION"}\n'
    assert at_head(make_repo, {"pyproject.toml": text, "VERSION": "4.0\n"}, root).version == "4.0"


def test_maturin_reads_cargo_and_its_workspace(make_repo):
    core = Package("core", "core/pyproject.toml", "core", "x")
    files = {"core/pyproject.toml": '[build-system]\nbuild-backend="maturin"\n[project]\nname="core"\n'
                                    'dynamic=["version"]\n',
             "core/Cargo.toml": '[package]\nname="core"\nversion.workspace = true\n',
             "Cargo.toml": '[workspace]\nmembers=["core"]\n[workspace.package]\nversion = "0.45.1"\n'}
    found = at_head(make_repo, files, core)
    assert (found.kind, found.version) == ("static", "0.45.1")


def test_unknown_and_absent_are_not_versions(make_repo):
    root = Package(".", "pyproject.toml", "w", "x")
    computed = at_head(make_repo, {"pyproject.toml": '[project]\nname="w"\ndynamic=["version"]\n'}, root)
    assert computed.kind == "unknown" and "dynamic" in computed.detail
    # Before pyproject.toml: the same folder's setup.py is read (a literal version), else it was not here.
    old = at_head(make_repo, {"setup.py": 'from setuptools import setup\nsetup(name="w", version="0.9")\n'}, root)
    assert (old.kind, old.version, old.detail) == ("static", "0.9", "setup.py")
    gone = at_head(make_repo, {"README": "nothing"}, Package("pkg", "pkg/pyproject.toml", "w", "x"))
    assert gone.kind == "absent"
