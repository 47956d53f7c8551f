"""pyproject.toml: what release.yml runs on this repository (`python -m build`, then
`twine check --strict dist/*`) makes a valid sdist and wheel of the guide and its toolkit.

Built without build isolation, from a copy of the files git tracks: the test needs no
network (hatchling, the build backend, comes with the test dependencies).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def tracked_copy(dest: Path) -> Path:
    """The repository as a fresh clone has it: tracked files only (no .venv, caches or built site)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, listed.decode().split("\0")):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot tell the tracked files")
    base = tmp_path_factory.mktemp("packaging")
    source = tracked_copy(base / "src")
    out = base / "dist"
    res = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return out


def test_build_makes_one_sdist_and_one_wheel(dist):
    names = sorted(p.name for p in dist.iterdir())
    assert [n for n in names if n.endswith(".tar.gz")] == ["trustpub-0.1.0.tar.gz"], names
    assert [n for n in names if n.endswith(".whl")] == ["trustpub-0.1.0-py3-none-any.whl"], names


def test_twine_check_strict_passes_as_in_the_release_workflow(dist):
    res = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.count("PASSED") == 2, res.stdout


def test_wheel_holds_the_toolkit_only(dist):
    [wheel] = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in ("trustpub/__init__.py", "trustpub/__main__.py", "trustpub/checks/workflow.py",
                   "trustpub/commands/checklist.py", "trustpub/checklist.schema.json"):
        assert module in names, module
    # one top-level package, nothing of the site: no `macros`, tests or docs to clash with others
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"trustpub"}, tops
    [meta] = [n for n in names if n.endswith(".dist-info/METADATA")]
    metadata = zipfile.ZipFile(wheel).read(meta).decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert not [r for r in requires if "mkdocs" in r and "extra ==" not in r], requires
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "trustpub = trustpub.__main__:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_sdist_holds_what_the_site_and_the_tests_need(dist):
    [sdist] = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for path in ("pyproject.toml", "mkdocs.yml", "README.md", ".github/workflows/release.yml", "docs/index.md",
                 "macros/site.py", "package.json", "scripts/checklist.py", "src/trustpub/checks/workflow.py", "tests/conftest.py"):
        assert path in names, path


def _wheel_metadata_version(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as zf:
        [meta] = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        header = zf.read(meta).decode().split("\n\n", 1)[0]
    return next(line.split(":", 1)[1].strip() for line in header.splitlines() if line.startswith("Metadata-Version:"))


def test_the_twine_the_pinned_publish_action_bundles_accepts_the_files(dist):
    """release.yml uploads through gh-action-pypi-publish, which checks the files with the twine it bundles:
    the files this project builds must pass THAT twine (recorded beside the pin), not only the newest one."""
    from importlib.metadata import version

    from trustpub.pins import PINS, PUBLISH_ACTION_TWINE, PUBLISH_ACTION_TWINE_SOURCE

    publish = PINS["pypa/gh-action-pypi-publish"][0]
    release = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert f"{publish.uses} {publish.comment}" in release, "release.yml does not use the newest confirmed pin"
    assert publish.sha in PUBLISH_ACTION_TWINE_SOURCE and f"twine=={PUBLISH_ACTION_TWINE}" in PUBLISH_ACTION_TWINE_SOURCE
    # The build job's own check runs the same twine as the upload step.
    assert f'"twine=={PUBLISH_ACTION_TWINE}"' in release
    assert version("twine") == PUBLISH_ACTION_TWINE, (
        f"the test dependencies must hold twine {PUBLISH_ACTION_TWINE} (pyproject.toml [test]), "
        f"the one {publish.comment} bundles; found {version('twine')}")
    res = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.count("PASSED") == 2, res.stdout


def test_the_metadata_version_built_is_one_the_checklist_judges(dist):
    """TP114 knows which publish action reads what this build writes: the wheel's Metadata-Version is in
    its table (or older than everything in it)."""
    from packaging.version import Version

    from trustpub.checks.publish_twine import READERS

    [wheel] = dist.glob("*.whl")
    written = _wheel_metadata_version(wheel)
    newest_known = max(READERS, key=Version)
    assert Version(written) <= Version(newest_known), (
        f"hatchling wrote Metadata-Version {written}, newer than any the checklist knows a reader of")
