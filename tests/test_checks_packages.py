"""The checks over several packages and over tags (TP501/TP502), and the PyPI side per package (TP701/TP702).

Fixture repositories are real git repositories written here (make_repo); PyPI is an httpx.MockTransport.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from trustpub.checks import result_by_slug, run_checks
from trustpub.config import Subject
from trustpub.packages import select_package
from trustpub.repo import Repo

ROOT = Path(__file__).resolve().parent.parent
SHA = "ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e"
SUBJECT = Subject(project="acme-core", owner="acme", repository="mono")


def publish_job(name: str, prefix: str, folder: str) -> str:
    return f"""
  publish-{name}:
    if: startsWith(github.ref, 'refs/tags/{prefix}')
    needs: build
    runs-on: ubuntu-24.04
    environment: release
    permissions:
      id-token: write
    steps:
      - uses: actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0
      - uses: pypa/gh-action-pypi-publish@{SHA} # v1.13.0
        with:
          packages-dir: {folder}/dist/
"""


MONO_RELEASE = f"""name: release
on:
  push:
    tags: ["core-v*", "cli-v*"]
permissions: {{}}
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
      - run: python -m build packages/core && python -m build packages/cli
""" + publish_job("core", "core-v", "packages/core") + publish_job("cli", "cli-v", "packages/cli")

CORE = '[project]\nname = "acme-core"\nversion = "{v}"\n'
CLI = "[metadata]\nname = acme-cli\nversion = {v}\n"


def mono(make_repo, core="2.42.0", cli="0.3.0", workflow=MONO_RELEASE):
    files = {"packages/core/pyproject.toml": CORE.format(v=core), "packages/cli/setup.cfg": CLI.format(v=cli),
             "tests/fixtures/x/pyproject.toml": '[project]\nname = "fixture"\nversion = "9"\n'}
    if workflow:
        files[".github/workflows/release.yml"] = workflow
    return make_repo(name="mono", files=files)


def one(repo, slug, subject=SUBJECT, **kwargs):
    kwargs.setdefault("env", {"HOME": str(repo.root)})
    return result_by_slug(run_checks(repo, subject, only=[slug], **kwargs), slug)


# ---------------------------------------------------------------------------
# TP501: tags of several packages, prefixes, history
# ---------------------------------------------------------------------------
def test_monorepo_prefixed_tags_are_versions_of_their_package(make_repo):
    gr = mono(make_repo)
    gr.tag("core-v2.42.0", "core")
    gr.tag("cli-v0.3.0", "cli")
    r = one(Repo.open(gr.path), "tag-matches-version")
    assert r.status == "pass", r.evidence
    assert "core-v2.42.0 = acme-core 2.42.0" in r.evidence and "cli-v0.3.0 = acme-cli 0.3.0" in r.evidence
    assert "not a version" not in r.evidence
    # The CLI is tagged without bumping its setup.cfg: a mismatch of that package, not of the core.
    gr.tag("cli-v0.4.0", "forgot to bump")
    r = one(Repo.open(gr.path), "tag-matches-version")
    assert r.status == "fail" and "tag cli-v0.4.0, but packages/cli/setup.cfg at that commit says version 0.3.0" \
        in r.evidence
    assert r.items and len(r.items) == 1


def test_package_option_judges_only_that_packages_tags(make_repo):
    gr = mono(make_repo)
    gr.tag("core-v2.42.0", "core")
    gr.tag("cli-v0.4.0", "mismatch in the other package")
    repo = Repo.open(gr.path)
    core = select_package(repo, str(repo.root / "packages/core"))
    r = one(repo, "tag-matches-version", package=core)
    assert r.status == "pass" and "cli-v0.4.0" not in r.evidence
    cli = select_package(repo, str(repo.root / "packages/cli"))
    r = one(repo, "tag-matches-version", Subject("acme-cli", "acme", "mono"), package=cli)
    assert r.status == "fail" and "cli-v0.4.0" in r.evidence


def test_tags_made_before_the_workflow_existed_are_not_judged(make_repo):
    gr = mono(make_repo, core="0.1.0", workflow=None)
    gr.tag("core-v0.0.9", "an old tag that never matched its version")  # no workflow at this commit
    gr.write("packages/core/pyproject.toml", CORE.format(v="2.42.0"))
    gr.write(".github/workflows/release.yml", MONO_RELEASE)
    gr.commit("publish with trusted publishing")
    gr.tag("core-v2.42.0", "first trusted release")
    r = one(Repo.open(gr.path), "tag-matches-version")
    assert r.status == "pass", r.evidence
    assert "0.0.9" not in r.evidence.split("(not judged")[0]
    assert "1 made before .github/workflows/release.yml existed" in r.evidence


def test_a_tag_whose_package_was_not_here_yet_is_not_judged(make_repo):
    # Modelled on a package merged into a monorepo with its history: its old tags point at commits that
    # have a workflow of the same name but not the package's folder.
    gr = make_repo(name="mono", files={"pyproject.toml": '[project]\nname = "acme-core"\nversion = "1.0"\n',
                                       ".github/workflows/release.yml": MONO_RELEASE})
    gr.tag("core-v1.0", "old layout")
    gr.git("rm", "-q", "pyproject.toml")
    gr.write("packages/core/pyproject.toml", CORE.format(v="2.0.0"))
    gr.write("packages/cli/setup.cfg", CLI.format(v="0.1.0"))
    gr.commit("monorepo")
    gr.tag("core-v2.0.0", "new layout")
    r = one(Repo.open(gr.path), "tag-matches-version")
    assert r.status == "pass" and "core-v2.0.0 = acme-core 2.0.0" in r.evidence
    assert "1 from before the package was in this repository" in r.evidence


def test_a_catch_all_trigger_makes_no_version_claim(make_repo):
    # Modelled on bindings released from a repository whose tags are the core's: the Python upload runs on
    # every tag, and a tag naming another version than the binding's is no mismatch of the binding.
    every = MONO_RELEASE.replace('tags: ["core-v*", "cli-v*"]', 'tags: ["*"]').replace(
        "if: startsWith(github.ref, 'refs/tags/cli-v')", "if: false")
    gr = mono(make_repo, workflow=every)
    gr.tag("v9.0.0", "the core's own release")
    gr.tag("core-v2.42.0", "the package's")
    gr.tag("bindings/go/v1.0", "no Python package; `*` does not match a slash anyway")
    gr.tag("go-v1.0", "another component's tag")
    r = one(Repo.open(gr.path), "tag-matches-version")
    assert r.status == "pass", r.evidence
    assert "core-v2.42.0 = acme-core 2.42.0" in r.evidence
    assert "1 let in only by a pattern matching every tag" in r.evidence
    assert "1 of components that are no Python package here (go/… or go-…)" in r.evidence


def test_pep_440_equivalent_versions_match(make_repo):
    release = (ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8").replace(
        '"v[0-9]+.[0-9]+.[0-9]+"', '"v*"')
    gr = make_repo(files={"pyproject.toml": '[project]\nname = "widget"\nversion = "1.10.0a1"\n',
                          ".github/workflows/release.yml": release})
    gr.tag("v1.10a1", "alpha")
    repo = Repo.open(gr.path)
    subject = Subject("widget", "acme", "widget")
    r = one(repo, "tag-matches-version", subject)
    assert r.status == "pass" and "v1.10a1 = widget 1.10a1" in r.evidence
    doc = {"info": {"version": "1.9"}, "releases": {"1.9": [], "1.10.0a1": []}}
    transport = httpx.MockTransport(lambda req: httpx.Response(200, json=doc))
    r = one(repo, "tags-on-pypi", subject, offline=False, transport=transport)
    assert r.status == "pass", r.evidence  # PyPI's 1.10.0a1 is the tag's 1.10a1


def test_cannot_tell_which_package_a_bare_tag_releases(make_repo):
    unclear = MONO_RELEASE.replace('tags: ["core-v*", "cli-v*"]', 'tags: ["v*"]') \
        .replace("if: startsWith(github.ref, 'refs/tags/core-v')", "if: true") \
        .replace("if: startsWith(github.ref, 'refs/tags/cli-v')", "if: true") \
        .replace("packages/core/dist/", "dist/").replace("packages/cli/dist/", "dist/") \
        .replace("publish-core:", "publish-a:").replace("publish-cli:", "publish-b:")
    gr = mono(make_repo, workflow=unclear)
    gr.tag("v5.0.0", "which one?")
    r = one(Repo.open(gr.path), "tag-matches-version")
    assert r.status == "skip" and "cannot tell which package this upload releases" in r.evidence


# ---------------------------------------------------------------------------
# The PyPI side: per package, the Integrity API told apart from what is not it, one concurrent round
# ---------------------------------------------------------------------------
def project_doc(project: str, version: str, files: int = 2) -> dict:
    names = [f"{project.replace('-', '_')}-{version}-py3-none-any{i}.whl" for i in range(files)]
    entries = [{"filename": n, "yanked": False} for n in names]
    return {"info": {"name": project, "version": version}, "releases": {version: entries}, "urls": entries}


def provenance(workflow: str = "release.yml") -> dict:
    return {"version": 1, "attestation_bundles": [{"publisher": {"kind": "GitHub", "repository": "acme/mono",
                                                                 "workflow": workflow, "environment": "release"},
                                                   "attestations": [{}]}]}


def pypi(integrity, projects: dict[str, dict]):
    """A transport: project JSON from `projects`; every provenance request answered by `integrity(request)`."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        parts = request.url.path.strip("/").split("/")
        if parts[0] == "pypi" and parts[1] in projects:
            return httpx.Response(200, json=projects[parts[1]])
        if parts[0] == "integrity":
            return integrity(request)
        return httpx.Response(404, json={"message": "Not Found"})
    transport = httpx.MockTransport(handler)
    transport.seen = seen
    return transport


def test_integrity_api_json_404_is_no_provenance(make_repo):
    repo = Repo.open(mono(make_repo).path)
    transport = pypi(lambda r: httpx.Response(404, json={"message": "No provenance available for x.whl"}),
                     {"acme-core": project_doc("acme-core", "2.42.0")})
    r = one(repo, "provenance-matches-publisher", offline=False, transport=transport)
    assert r.status == "fail" and "no provenance" in r.evidence and "No provenance available" in r.evidence


def test_an_empty_or_html_404_is_not_the_integrity_api(make_repo):
    repo = Repo.open(mono(make_repo).path)
    for answer in (lambda r: httpx.Response(404, content=b""),
                   lambda r: httpx.Response(404, content=b"<html>Not Found</html>", headers={"content-type": "text/html"}),
                   lambda r: httpx.Response(200, json={"files": []})):  # a mirror's 200 that is no provenance
        transport = pypi(answer, {"acme-core": project_doc("acme-core", "2.42.0")})
        r = one(repo, "provenance-matches-publisher", offline=False, transport=transport)
        assert r.status == "skip", r.evidence
        assert "did not come from PyPI's Integrity API" in r.evidence and "proxy or mirror" in r.evidence


def test_provenance_present_for_each_released_package(make_repo):
    repo = Repo.open(mono(make_repo).path)
    transport = pypi(lambda r: httpx.Response(200, json=provenance()),
                     {"acme-core": project_doc("acme-core", "2.42.0"), "acme-cli": project_doc("acme-cli", "0.3.0")})
    results = run_checks(repo, SUBJECT, only=["project-exists", "provenance-matches-publisher"], offline=False,
                         transport=transport, env={"HOME": str(repo.root)})
    exists, prov = results
    assert exists.status == "pass" and len(exists.items) == 2  # both packages the workflow uploads
    assert prov.status == "pass" and len(prov.items) == 4
    assert sorted(p for p in transport.seen if p.startswith("/pypi/")) == ["/pypi/acme-cli/json",
                                                                           "/pypi/acme-core/json"]
    # The fixture under tests/ is not a release of this repository: PyPI is never asked about it.
    assert "/pypi/fixture/json" not in transport.seen


def test_requests_run_concurrently_under_one_budget(make_repo):
    """30 files: every provenance request is in flight at once (counted, not timed)."""
    repo = Repo.open(mono(make_repo).path)
    in_flight = {"now": 0, "most": 0}
    doc = project_doc("acme-core", "2.42.0", files=30)

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/pypi/"):
            name = request.url.path.split("/")[2]
            return httpx.Response(200, json=doc if name == "acme-core" else project_doc(name, "0.3.0", files=0))
        in_flight["now"] += 1
        in_flight["most"] = max(in_flight["most"], in_flight["now"])
        await asyncio.sleep(0.05)
        in_flight["now"] -= 1
        return httpx.Response(200, json=provenance())
    r = one(repo, "provenance-matches-publisher", offline=False, transport=httpx.MockTransport(handler))
    assert r.status == "pass", r.evidence
    assert in_flight["most"] == 30
    # JSON evidence is never cut short: all 30 files are listed, while the text names a few.
    assert len(r.items) == 30 and "and 28 more" in r.evidence
    assert r.as_dict()["evidence"] == r.items


# ---------------------------------------------------------------------------
# The command: --package, and bad input for it
# ---------------------------------------------------------------------------
def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYPIRC", "TWINE_PASSWORD", "UV_PUBLISH_TOKEN")}
    env.update(HOME=str(home), PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "checklist.py"), *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_package_option_names_the_project(make_repo, tmp_path):
    gr = mono(make_repo)
    gr.tag("cli-v0.3.0", "cli")
    res = run_cli("--repo", str(gr.path), "--offline", "--json", "--package", str(gr.path / "packages/cli"),
                  home=tmp_path)
    data = json.loads(res.stdout)
    assert data["subject"]["project"] == "acme-cli"
    tp501 = next(c for c in data["checks"] if c["id"] == "TP501")
    assert tp501["status"] == "pass" and "acme-cli 0.3.0" in str(tp501["evidence"])
    bad = run_cli("--repo", str(gr.path), "--offline", "--package", str(gr.path / "nowhere"), home=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no Python project there" in bad.stderr
