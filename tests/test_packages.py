"""trustpub.packages: every Python project of a repository, and which upload or tag releases which one.

The fixture repositories are written for these tests (modelled on monorepo layouts seen in the wild:
a `packages/<name>` folder per package, a Rust-backed package in a subfolder, prefixed tags such as
`core-v2.42.0`, test fixtures and examples that hold projects of their own).
"""

from __future__ import annotations

import pytest

from trustpub import packages
from trustpub.errors import BadInput
from trustpub.packages import (Package, UploadHints, discover, hints_for, link_upload, package_for_prefix,
                               read_package, select_package, split_tag, tag_version)
from trustpub.repo import Repo, load_workflow_for_reading

SHA = "ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e"

MONOREPO_FILES = {
    # The root holds tool settings only: not a project.
    "pyproject.toml": '[tool.ruff]\nline-length = 120\n',
    "packages/core/pyproject.toml": '[project]\nname = "acme-core"\nversion = "2.42.0"\n',
    "packages/cli/setup.cfg": "[metadata]\nname = acme-cli\nversion = 0.3.0\n",
    "packages/cli/setup.py": "from setuptools import setup\nsetup()\n",
    "plugins/acme_http/setup.py": 'from setuptools import setup\nNAME = "acme-http"\nsetup(name=NAME, version="1.0")\n',
    "plugins/computed/setup.py": 'from setuptools import setup\nsetup(name="acme-" + "x")\n',
    "tests/fixtures/sample/pyproject.toml": '[project]\nname = "sample"\nversion = "0.0.1"\n',
    "docs/examples/demo/pyproject.toml": '[project]\nname = "demo"\nversion = "0.1"\n',
}


def monorepo(make_repo) -> Repo:
    return Repo.open(make_repo(files=MONOREPO_FILES).path)


def by_path(found: list[Package]) -> dict[str, Package]:
    return {p.path: p for p in found}


def test_discover_finds_every_project_and_where_its_name_came_from(make_repo):
    found = by_path(discover(monorepo(make_repo)))
    assert "." not in found  # [tool.ruff] alone is not a project
    assert found["packages/core"].name == "acme-core"
    assert found["packages/core"].name_source == "packages/core/pyproject.toml [project].name"
    # setup.cfg names it; the bare setup() call does not hide that.
    assert (found["packages/cli"].name, found["packages/cli"].config) == ("acme-cli", "packages/cli/setup.cfg")
    # A module-level constant passed as name= is readable; a computed name is not, and says so.
    assert found["plugins/acme_http"].name == "acme-http"
    assert found["plugins/computed"].name is None and "computed" in found["plugins/computed"].name_source
    # Test fixtures and documentation examples are found but marked as not this repository's releases.
    assert found["tests/fixtures/sample"].skipped and found["docs/examples/demo"].skipped
    assert not found["packages/core"].skipped
    assert [p.path for p in packages.released(found.values())] == [
        "packages/cli", "packages/core", "plugins/acme_http", "plugins/computed"]


def test_read_package_variants():
    assert read_package(".", {"pyproject.toml": '[build-system]\nrequires=["x"]\n'}) is None
    poetry = read_package(".", {"pyproject.toml": '[tool.poetry]\nname = "old-style"\nversion = "1"\n'})
    assert poetry.name == "old-style" and "[tool.poetry]" in poetry.name_source
    dynamic = read_package("x", {"pyproject.toml": '[project]\ndynamic = ["name", "version"]\n'})
    assert dynamic.name is None and "dynamic" in dynamic.name_source
    # pyproject.toml without a name, setup.cfg with one: the name is read where it is.
    both = read_package("y", {"pyproject.toml": '[project]\ndynamic = ["name"]\n',
                              "setup.cfg": "[metadata]\nname = why\n"})
    assert both.name == "why"
    broken = read_package("z", {"pyproject.toml": "[project\n"})
    assert broken.name is None and "not valid TOML" in broken.name_source
    assert read_package(".", {"setup.py": "def setup(: pass"}).name is None  # not parseable: named, not a crash
    # A uv workspace root that is no distribution: found, named, never a release.
    root = read_package(".", {"pyproject.toml": '[project]\nname = "all"\n[tool.uv]\npackage = false\n'})
    assert root.name == "all" and root.skipped and "package = false" in root.name_source
    built = read_package("b", {"pyproject.toml": '[build-system]\nbuild-backend = "maturin"\n[project]\nname = "b"\n'
                                                 '[tool.uv]\npackage = false\n'})
    assert not built.skipped  # built by its backend and uploaded, whatever `uv sync` does with it


def test_untracked_folders_are_not_projects(make_repo):
    repo = make_repo(files={"pyproject.toml": '[project]\nname = "widget"\nversion = "1"\n'})
    repo.write(".venv/lib/site/pyproject.toml", '[project]\nname = "installed"\n')  # not tracked
    assert [p.name for p in discover(Repo.open(repo.path))] == ["widget"]


def test_select_package_by_folder_or_file_and_bad_paths(make_repo, monkeypatch):
    repo = monorepo(make_repo)
    monkeypatch.chdir(repo.root)
    assert select_package(repo, "packages/core").name == "acme-core"
    assert select_package(repo, "packages/cli/setup.cfg").name == "acme-cli"
    assert select_package(repo, str(repo.root / "packages/core")).name == "acme-core"
    # A skipped folder can still be named on purpose.
    assert select_package(repo, "tests/fixtures/sample").name == "sample"
    with pytest.raises(BadInput, match=r"^--package nowhere: no Python project there"):
        select_package(repo, "nowhere")
    with pytest.raises(BadInput, match="not inside the repository"):
        select_package(repo, "/")


@pytest.mark.parametrize("tag, prefix, version", [
    ("core-v2.42.0", "core-v", "2.42.0"), ("v1.10a1", "v", "1.10a1"), ("1.2.3", "", "1.2.3"),
    ("opendal-python/v0.45.0", "opendal-python/v", "0.45.0"), ("pkg@1.0", "pkg@", "1.0")])
def test_split_tag(tag, prefix, version):
    assert split_tag(tag) == (prefix, version)


def test_tag_versions_compare_under_pep_440():
    from packaging.version import Version

    assert tag_version("v1.10a1") == Version("1.10.0a1")
    assert tag_version("core-v2.42.0", "core-v") == Version("2.42.0")
    assert tag_version("core-v2.42.0", "cli-v") is None  # not this package's tag
    assert tag_version("vnext") is None and split_tag("vnext") is None


def test_a_tag_prefix_names_its_package():
    core = Package("pydantic-core", "pydantic-core/pyproject.toml", "pydantic_core", "x")
    main = Package(".", "pyproject.toml", "pydantic", "x")
    assert package_for_prefix("core-v", [core, main]) is core        # the last word of its name
    assert package_for_prefix("pydantic-core-v", [core, main]) is core
    assert package_for_prefix("pydantic-v", [core, main]) is main
    assert package_for_prefix("v", [core, main]) is None             # no stem: names no package
    assert package_for_prefix("release-", [core, main]) is None      # a word that is no package's
    twins = [Package("a/core", "a/core/setup.py", "a-core", "x"), Package("b/core", "b/core/setup.py", "b-core", "x")]
    assert package_for_prefix("core-v", twins) is None               # two fit: cannot tell


def _wf(text: str):
    return load_workflow_for_reading(text, None, ".github/workflows/release.yml")


PKGS = [Package("packages/core", "packages/core/pyproject.toml", "acme-core", "x"),
        Package("packages/cli", "packages/cli/setup.cfg", "acme-cli", "x"),
        Package(".", "pyproject.toml", "acme", "x")]


def test_link_by_packages_dir_working_directory_and_upload_path():
    link = link_upload(UploadHints(paths=["packages/core/dist/"]), PKGS)
    assert link.known and link.names == ["acme-core"] and "packages-dir" not in link.how
    assert link_upload(UploadHints(working_directory="packages/cli"), PKGS).names == ["acme-cli"]
    # A folder named after the package (`acme-core-dist`): the most specific name wins over `acme`.
    assert link_upload(UploadHints(paths=["acme-core-dist/*"]), PKGS).names == ["acme-core"]
    assert link_upload(UploadHints(paths=["acme-dist/"]), PKGS).names == ["acme"]


def test_link_by_tag_prefix_matrix_and_job_name():
    assert link_upload(UploadHints(tag_prefixes=["core-v"]), PKGS).names == ["acme-core"]
    matrix = link_upload(UploadHints(matrix_values=["packages/core", "packages/cli"]), PKGS)
    assert matrix.all_of and sorted(matrix.names) == ["acme-cli", "acme-core"]
    assert link_upload(UploadHints(names=["release-acme-cli"]), PKGS).names == ["acme-cli"]


def test_link_says_when_it_cannot_tell():
    link = link_upload(UploadHints(paths=["dist/"], names=["publish"]), PKGS)
    assert not link.known and "cannot tell which package this upload releases" in link.how
    only = link_upload(UploadHints(paths=["dist/"]), PKGS[:1])
    assert only.known and only.how == "the only Python project in the repository"


def test_hints_from_a_workflow_step():
    wf = _wf(f"""
on:
  push:
    tags: ["core-v*"]
jobs:
  publish:
    if: startsWith(github.ref, 'refs/tags/core-v')
    defaults:
      run:
        working-directory: packages/core
    strategy:
      matrix:
        pkg: [packages/core, packages/cli]
    steps:
      - uses: pypa/gh-action-pypi-publish@{SHA}
        with:
          packages-dir: ${{{{ matrix.pkg }}}}/dist
      - run: uv publish --trusted-publishing always packages/cli/dist/*
""")
    steps = wf.steps("publish")
    hints = hints_for(wf, "publish", steps[0], wf.tag_patterns)
    assert hints.working_directory == "packages/core"
    assert hints.tag_prefixes == ["core-v", "core-v"]
    assert hints.matrix_values == ["packages/core", "packages/cli"]
    assert hints_for(wf, "publish", steps[1]).paths == ["packages/cli/dist/*"]


def test_upload_paths_skip_options_and_their_values():
    step = {"run": "uv publish \\\n  --trusted-publishing automatic \\\n  --publish-url https://test.pypi.org/legacy/ \\\n"
                   "  --check-url https://test.pypi.org/simple/x/ \\\n  bindings/python/dist/*\n"}
    assert packages.upload_paths(step) == ["bindings/python/dist/*"]
    assert packages.upload_paths({"run": "twine upload --repository testpypi dist/*.whl 'dist/*.tar.gz'"}) == [
        "dist/*.whl", "dist/*.tar.gz"]


def test_hints_from_a_publishing_model_upload():
    from types import SimpleNamespace

    upload = SimpleNamespace(tool="uv", job="release", working_directory=None, tag_prefixes=["v", "core-v"],
                             packages_dir="--check-url https://pypi.org/simple/x/ bindings/python/dist/*",
                             matrix={"os": ["ubuntu-latest"], "pkg": ["packages/cli", "${{ x }}"]})
    hints = packages.hints_from_upload(upload)
    assert hints.paths == ["bindings/python/dist/*"] and hints.tag_prefixes == ["core-v"]
    assert hints.matrix_values == ["ubuntu-latest", "packages/cli"] and hints.names == ["release"]
    action = SimpleNamespace(tool="pypa-action", job="publish", working_directory=None, tag_prefixes=[],
                             packages_dir="dist", matrix={})
    assert packages.hints_from_upload(action).paths == ["dist"]
