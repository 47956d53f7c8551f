"""The checklist's registry: every check passes on a good repository and fails (or warns) on a bad one.

Repositories are real git repositories with a local bare remote (the `make_repo`
fixture); PyPI answers come from `httpx.MockTransport` with the shapes of the
real JSON and Integrity APIs. Most cases run one check (`only=`), so they are fast.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from trustpub import checks as checks_mod
from trustpub.checks import (CHECKS, Context, TagTrigger, first_overlap, pattern_examples, pattern_regex,
                          result_by_slug, run_checks, tag_trigger)
from trustpub.config import Subject
from trustpub.errors import BadInput
from trustpub.repo import Repo, load_workflow_text

ROOT = Path(__file__).resolve().parent.parent
GOOD_RELEASE = (ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8")
GOOD_TESTPYPI = (ROOT / ".github/workflows/testpypi.yml").read_text(encoding="utf-8")
SEED = (ROOT / "tests/data/seed_release.yml").read_text(encoding="utf-8")
PYPROJECT = '[project]\nname = "widget"\nversion = "{version}"\n'
SUBJECT = Subject(project="widget", owner="acme", repository="widget")
RELEASE = ".github/workflows/release.yml"
TESTPYPI = ".github/workflows/testpypi.yml"
SHA = "dc37677b2e1c63e2034f94d8a5b11f265b73ba33"
PUBLISH_LINE = f"uses: pypa/gh-action-pypi-publish@{SHA} # v1.14.2"
TOKEN = "pypi-AgEIcHlwaS5vcmcCJDhkYWM3ZjE2LWJiMjgtNDA0ZC1hMmE0LTU0ZmUxYmY0NjVkNgACKlszLCJ3aWRnZXQiXQ"

# The TEAM.md slugs the fix scripts' tests rely on.
FIXER_SLUGS = ("id-token-on-publish-job", "id-token-not-elsewhere", "publish-action-ref", "separate-build-publish",
               "publish-environment", "tag-patterns-no-overlap", "attestations-on", "no-token-in-pypirc",
               "no-token-input", "publisher-identity", "test-tags-cleaned", "tag-matches-version")
KNOWN_SCRIPTS = {"publisher_values.py", "fix_id_token.py", "fix_action_ref.py", "harden_workflow.py",
                 "fix_tag_overlap.py", "fix_attestations.py", "scrub_pypirc.py", "push_test_tag.py", "release.py",
                 "diagnose.py", "checklist.py"}
DOC_PAGES = {"index.md", "publisher.md", "workflow.md", "tokens.md", "test-tag.md", "2fa.md", "attestations.md",
             "troubleshooting.md", "checklist.md", "release-process.md", "scripts.md", "reference.md"}


def sub(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced once; fails loudly if the fixture no longer contains `old`."""
    assert old in text, f"fixture text not found: {old!r}"
    return text.replace(old, new, 1)


@pytest.fixture
def repo_with(make_repo, tmp_path):
    """repo_with(release=..., testpypi=..., files=..., tags=[...]) -> Repo."""

    def factory(release: str | None = GOOD_RELEASE, testpypi: str | None = GOOD_TESTPYPI,
                files: dict[str, str] | None = None, version: str = "1.2.3", tags: tuple[str, ...] = (),
                push_tags: bool = False, **kwargs) -> Repo:
        all_files = {"pyproject.toml": PYPROJECT.format(version=version), **(files or {})}
        if release is not None:
            all_files[RELEASE] = release
        if testpypi is not None:
            all_files[TESTPYPI] = testpypi
        gr = make_repo(files=all_files, **kwargs)
        for t in tags:
            gr.tag(t, f"release {t}")
        if push_tags and tags:
            gr.push("--tags")
        repo = Repo.open(gr.path)
        repo.git_repo = gr  # the test helper, for later commits
        return repo

    return factory


def one(repo: Repo, slug: str, subject: Subject = SUBJECT, **kwargs):
    kwargs.setdefault("env", {"HOME": str(repo.root)})
    return result_by_slug(run_checks(repo, subject, only=[slug], **kwargs), slug)


# ---------------------------------------------------------------------------
# The registry itself
# ---------------------------------------------------------------------------
def test_registry_ids_slugs_and_groups_are_stable_and_unique():
    ids = [c.id for c in CHECKS]
    slugs = [c.slug for c in CHECKS]
    assert len(set(ids)) == len(ids) and len(set(slugs)) == len(slugs)
    assert ids == sorted(ids), "registry order is id order"
    for c in CHECKS:
        assert re.fullmatch(r"TP\d{3}", c.id), c.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.slug), c.slug
        assert checks_mod.base._GROUP_BY_HUNDRED[c.id[2]] == c.group
        assert c.title and c.verifies.endswith("."), c.id
        assert c.fix, f"{c.id} has no fix"
        if c.fix_script:
            assert c.fix_script in KNOWN_SCRIPTS, c.fix_script
        elif not c.doc.startswith("https://"):
            assert c.doc.split("#")[0] in DOC_PAGES, c.doc
        assert c.manual == (c.group == "manual")


def test_fixer_slugs_exist():
    slugs = {c.slug for c in CHECKS}
    assert not [s for s in FIXER_SLUGS if s not in slugs]


def test_unknown_check_is_bad_input(repo_with):
    with pytest.raises(BadInput, match="unknown check 'nope'"):
        run_checks(repo_with(), SUBJECT, only=["nope"])


def test_only_accepts_ids_and_slugs(repo_with):
    results = run_checks(repo_with(), SUBJECT, only=["TP105", "publish-environment"], env={})
    assert [r.id for r in results] == ["TP105", "TP109"]


def test_result_by_slug_names_a_missing_check(repo_with):
    with pytest.raises(KeyError, match="attestations-on"):
        result_by_slug(run_checks(repo_with(), SUBJECT, only=["TP105"], env={}), "attestations-on")


def test_good_repository_passes_everything_offline(repo_with):
    repo = repo_with(tags=("v1.2.3",), push_tags=True)
    results = run_checks(repo, SUBJECT, env={"HOME": str(repo.root)})
    by_status = {r.id: r.status for r in results}
    assert not [r for r in results if r.status in ("fail", "warn")], [
        (r.id, r.evidence) for r in results if r.status in ("fail", "warn")]
    assert by_status["TP401"] == "pass" and by_status["TP501"] == "pass" and by_status["TP301"] == "pass"
    assert {r.id for r in results if r.status == "skip"} == {"TP502", "TP701", "TP702"}
    assert all(r.evidence == "offline" for r in results if r.status == "skip")
    assert {r.id for r in results if r.status == "manual"} == {c.id for c in CHECKS if c.manual}


def test_seed_workflow_fails_what_the_guide_fixes(repo_with):
    repo = repo_with(release=SEED, testpypi=None)
    results = {r.slug: r for r in run_checks(repo, SUBJECT, env={"HOME": str(repo.root)})}
    failing = {slug for slug, r in results.items() if r.status == "fail"}
    # The seed names no environment and SUBJECT (given on purpose) registers "pypi": a real mismatch.
    assert {"separate-build-publish", "publish-environment"} <= failing
    assert results["id-token-on-publish-job"].status == "pass"  # inherited from workflow level
    assert results["publish-action-ref"].status == "pass"  # release/v1
    assert "zizmor/unpinned-uses" in failing and "zizmor/artipacked" in failing
    # Workflow-level id-token reaching only the one job that uploads: a warning, not a leak.
    assert results["id-token-not-elsewhere"].status == "warn"
    assert results["id-token-not-elsewhere"].evidence.startswith(f"{RELEASE}:8:")


# ---------------------------------------------------------------------------
# TP1xx: the release workflow
# ---------------------------------------------------------------------------
def test_workflow_tracked(repo_with):
    assert one(repo_with(), "workflow-tracked").status == "pass"
    missing = one(repo_with(), "workflow-tracked", Subject("widget", "acme", "widget", workflow="publish.yml"))
    assert missing.status == "fail" and "publish.yml" in missing.evidence and "release.yml" in missing.evidence
    repo = repo_with(release=None)
    (repo.root / RELEASE).write_text(GOOD_RELEASE)
    untracked = one(repo, "workflow-tracked")
    assert untracked.status == "fail" and "not committed" in untracked.evidence


def test_no_workflow_at_all_fails_tp101_and_skips_the_rest(repo_with):
    repo = repo_with(release=None, testpypi=None)
    results = {r.slug: r for r in run_checks(repo, SUBJECT, env={})}
    assert results["workflow-tracked"].status == "fail"
    assert results["id-token-on-publish-job"].status == "skip"
    assert results["zizmor"].status == "skip"


def test_publish_step_present(repo_with):
    assert one(repo_with(), "publish-step-present").status == "pass"
    # Every upload tool counts (issue 14): twine is an upload to PyPI, not a missing one.
    twine = sub(GOOD_RELEASE, PUBLISH_LINE, "run: python -m twine upload dist/*")
    r = one(repo_with(release=twine), "publish-step-present")
    assert r.status == "pass" and "twine" in r.evidence and r.evidence.startswith(RELEASE + ":")
    test_only = sub(GOOD_RELEASE, PUBLISH_LINE, PUBLISH_LINE + "\n        with:\n          repository-url: "
                    "https://test.pypi.org/legacy/")
    r = one(repo_with(release=test_only, testpypi=None), "publish-step-present")
    assert r.status == "warn" and "TestPyPI only" in r.evidence
    nothing = sub(GOOD_RELEASE, PUBLISH_LINE, "run: echo done")
    assert one(repo_with(release=nothing, testpypi=None), "publish-step-present").status == "fail"


@pytest.mark.parametrize("on, status", [
    ('on:\n  push:\n    tags:\n      - "v*"\n', "pass"),
    ("on:\n  workflow_dispatch:\n", "pass"),  # a manual release is a release (issue 14)
    ("on: [workflow_dispatch, pull_request]\n", "fail"),
    ("on:\n  release:\n    types: [published]\n", "pass"),
    ("on: push\n", "fail"),  # every branch push uploads
    ("on:\n  push:\n    branches: [main]\n", "fail"),
])
def test_tag_trigger(repo_with, on, status):
    release = re.sub(r"^on:\n(?:  .*\n)+", on, GOOD_RELEASE, count=1, flags=re.M)
    assert one(repo_with(release=release, testpypi=None), "tag-trigger").status == status


@pytest.mark.parametrize("ref, status", [
    ("release/v1", "pass"),
    (f"{SHA} # v1.14.2", "pass"),
    ("master", "fail"),
    ("v1.4.2", "fail"),
    ("main", "fail"),
    ("76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.4.2", "fail"),
    ("v1.12.4", "warn"),
    (SHA, "warn"),
])
def test_publish_action_ref(repo_with, ref, status):
    release = sub(GOOD_RELEASE, f"{SHA} # v1.14.2", ref)
    r = one(repo_with(release=release, testpypi=None), "publish-action-ref")
    assert r.status == status, r.evidence
    if status != "pass":
        line = next(n for n, text in enumerate(release.splitlines(), 1) if "gh-action-pypi-publish@" in text)
        assert r.evidence.startswith(f"{RELEASE}:{line}:")


JOB_PERMS = "    permissions:\n      id-token: write  # only this job can mint the OIDC token PyPI trusts\n"


@pytest.mark.parametrize("change, status, words", [
    (lambda t: t, "pass", "has id-token: write"),
    (lambda t: sub(t, JOB_PERMS, "    permissions:\n      contents: read\n"), "fail", "lack id-token"),
    (lambda t: sub(sub(t, JOB_PERMS, "    permissions:\n      contents: read\n"), "permissions: {}",
                   "permissions:\n  id-token: write"), "fail", "replacing the workflow's"),
    (lambda t: sub(sub(t, JOB_PERMS, ""), "permissions: {}", "permissions:\n  id-token: write"), "pass", "inherits"),
    (lambda t: sub(t, JOB_PERMS, "    permissions: write-all\n"), "pass", "id-token: write"),
    (lambda t: sub(sub(t, JOB_PERMS, ""), "permissions: {}\n", ""), "fail", "no permissions block"),
])
def test_id_token_on_publish_job(repo_with, change, status, words):
    r = one(repo_with(release=change(GOOD_RELEASE)), "id-token-on-publish-job")
    assert r.status == status and words in r.evidence, r.evidence


def test_id_token_not_elsewhere(repo_with):
    assert one(repo_with(), "id-token-not-elsewhere").status == "pass"
    workflow_level = sub(GOOD_RELEASE, "permissions: {}", "permissions:\n  id-token: write")
    r = one(repo_with(release=workflow_level), "id-token-not-elsewhere")
    # Every other job has its own permissions: nothing inherits it today, so a warning.
    assert r.status == "warn" and r.evidence.startswith(f"{RELEASE}:11:") and "workflow level" in r.evidence
    leaking = sub(workflow_level, "    permissions:\n      contents: read  # checkout only: no id-token here\n", "")
    r = one(repo_with(release=leaking), "id-token-not-elsewhere")
    assert r.status == "fail" and "workflow-level" in r.evidence and "build" in r.evidence
    build_job = sub(GOOD_RELEASE, "      contents: read  # checkout only: no id-token here",
                    "      contents: read\n      id-token: write")
    r = one(repo_with(release=build_job), "id-token-not-elsewhere")
    assert r.status == "fail" and "job 'build' does not publish" in r.evidence


def test_separate_build_publish(repo_with):
    assert one(repo_with(), "separate-build-publish").status == "pass"
    download = "      - name: Download the distributions\n"
    checkout = sub(GOOD_RELEASE, download, "      - uses: actions/checkout@v5\n" + download)
    r = one(repo_with(release=checkout), "separate-build-publish")
    assert r.status == "warn" and "checks out" in r.evidence  # no build tooling runs: a warning
    build = sub(GOOD_RELEASE, download, "      - run: python -m build\n" + download)
    r = one(repo_with(release=build), "separate-build-publish")
    assert r.status == "fail" and "builds (`python -m build`)" in r.evidence
    listing = sub(GOOD_RELEASE, download, "      - run: ls -l\n" + download)
    assert one(repo_with(release=listing), "separate-build-publish").status == "pass"


PUBLISH_RUNNER = "    runs-on: ubuntu-24.04  # the publish action is a container action: Linux only\n"


@pytest.mark.parametrize("runs_on, status", [
    ("ubuntu-latest", "pass"), ("ubuntu-22.04-arm", "pass"), ("windows-latest", "fail"), ("macos-14", "fail"),
    ("[self-hosted, linux]", "warn"), ("${{ matrix.os }}", "warn"), ("big-linux-runner", "warn"),
])
def test_publish_runner_linux(repo_with, runs_on, status):
    release = sub(GOOD_RELEASE, PUBLISH_RUNNER, f"    runs-on: {runs_on}\n")
    assert one(repo_with(release=release), "publish-runner-linux").status == status


ENV_BLOCK = "    environment:\n      name: pypi  # must match the environment registered on PyPI\n"


@pytest.mark.parametrize("env, status", [
    (ENV_BLOCK, "pass"), ("    environment: pypi\n", "pass"), ("", "fail"), ("    environment: release\n", "fail"),
    ("    environment:\n      name: ${{ inputs.env }}\n", "warn"),
])
def test_publish_environment(repo_with, env, status):
    r = one(repo_with(release=sub(GOOD_RELEASE, ENV_BLOCK, env)), "publish-environment")
    assert r.status == status, r.evidence
    if env == "    environment: release\n":
        assert "'release'" in r.evidence and "'pypi'" in r.evidence


def test_publish_environment_testpypi_job_uses_its_own_name(repo_with):
    wrong = sub(GOOD_TESTPYPI, "name: testpypi", "name: pypi")
    r = one(repo_with(testpypi=wrong), "publish-environment")
    assert r.status == "fail" and "TestPyPI" in r.evidence and "'testpypi'" in r.evidence


def test_no_token_input(repo_with):
    assert one(repo_with(), "no-token-input").status == "pass"
    password = sub(GOOD_RELEASE, PUBLISH_LINE, PUBLISH_LINE + "\n        with:\n          password: "
                   "${{ secrets.PYPI_API_TOKEN }}")
    r = one(repo_with(release=password), "no-token-input")
    assert r.status == "fail" and "`password:`" in r.evidence and "PYPI_API_TOKEN" in r.evidence
    user = sub(GOOD_RELEASE, PUBLISH_LINE, PUBLISH_LINE + "\n        with:\n          user: __token__")
    assert one(repo_with(release=user), "no-token-input").status == "fail"
    ci = "on: push\njobs:\n  up:\n    runs-on: ubuntu-latest\n    steps:\n      - run: twine upload dist/*\n" \
         "        env:\n          TWINE_PASSWORD: ${{ secrets['TEST_PYPI_TOKEN'] }}\n"
    r = one(repo_with(files={".github/workflows/ci.yml": ci}), "no-token-input")
    # The twine step itself is the token upload (line 6), and the secret it reads is named (line 8).
    assert r.status == "fail" and r.evidence.startswith(".github/workflows/ci.yml:6: job 'up' (twine -> PyPI)")
    assert ".github/workflows/ci.yml:8: uses the secret TEST_PYPI_TOKEN" in r.evidence
    commented = "# we no longer use secrets.PYPI_API_TOKEN\n" + GOOD_RELEASE
    assert one(repo_with(release=commented), "no-token-input").status == "pass"


def test_publish_not_reusable(repo_with):
    assert one(repo_with(), "publish-not-reusable").status == "pass"
    reusable = re.sub(r"^on:\n(?:  .*\n)+", "on:\n  workflow_call:\n", GOOD_RELEASE, count=1, flags=re.M)
    # Called from nowhere in this repository: PyPI matches it only if a caller here starts it.
    r = one(repo_with(release=reusable, testpypi=None), "publish-not-reusable")
    assert r.status == "warn" and "reusable workflow no workflow here calls" in r.evidence
    # Called from this repository: PyPI matches the called file (warehouse reads job_workflow_ref).
    caller = "on:\n  push:\n    tags: ['v*']\njobs:\n  go:\n    uses: ./.github/workflows/release.yml\n" \
             "    permissions:\n      id-token: write\n      contents: read\n"
    r = one(repo_with(release=reusable, testpypi=None, files={".github/workflows/tag.yml": caller}),
            "publish-not-reusable")
    assert r.status == "pass" and "register release.yml (the called file)" in r.evidence
    assert ".github/workflows/tag.yml:go" in r.evidence


def test_publish_step_present_names_a_reusable_call(repo_with):
    caller = "on:\n  push:\n    tags: ['v*']\njobs:\n  release:\n    uses: acme/shared/.github/workflows/pypi.yml@v1\n"
    r = one(repo_with(release=caller, testpypi=None), "publish-step-present")
    assert r.status == "warn" and "acme/shared" in r.evidence and "another repository" in r.evidence


@pytest.mark.parametrize("value, status", [("false", "fail"), ("'false'", "fail"), ("true", "pass")])
def test_attestations_on(repo_with, value, status):
    release = sub(GOOD_RELEASE, PUBLISH_LINE, PUBLISH_LINE + f"\n        with:\n          attestations: {value}")
    assert one(repo_with(release=release), "attestations-on").status == status
    assert one(repo_with(), "attestations-on").status == "pass"


@pytest.mark.parametrize("trigger", ["pull_request_target", "workflow_run"])
def test_no_dangerous_trigger(repo_with, trigger):
    assert one(repo_with(), "no-dangerous-trigger").status == "pass"
    release = sub(GOOD_RELEASE, "on:\n  push:\n", f"on:\n  {trigger}:\n  push:\n")
    r = one(repo_with(release=release), "no-dangerous-trigger")
    assert r.status == "fail" and r.evidence.startswith(f"{RELEASE}:7:") and trigger in r.evidence


# ---------------------------------------------------------------------------
# TP2xx: tag patterns
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("pattern, tag, matches", [
    ("v*", "v1.2.3", True), ("v*", "v1/2", False), ("v**", "v1/2", True), ("**", "anything/at/all", True),
    ("v[0-9]+.[0-9]+.[0-9]+", "v1.2.3", True), ("v[0-9]+.[0-9]+.[0-9]+", "v10.20.30", True),
    ("v[0-9]+.[0-9]+.[0-9]+", "v1.2.3rc1", False), ("v[0-9]+.[0-9]+.[0-9]+", "v1.2", False),
    ("v1.2.3-?rc1", "v1.2.3rc1", True), ("v1.2.3-?rc1", "v1.2.3-rc1", True), ("v1.2.3-?rc1", "v1.2.3--rc1", False),
    ("v1.0", "v1x0", False), (r"v\*", "v*", True), (r"v\*", "v1", False), ("v[abc]1", "vb1", True),
    ("*-test*", "v1.2.3-test1", True), ("v*.*.*", "v1.2.3", True), ("v*.*.*", "v1.2", False),
])
def test_pattern_regex_follows_githubs_filter_syntax(pattern, tag, matches):
    assert bool(pattern_regex(pattern).match(tag)) is matches


def _trigger(tags_yaml: str) -> TagTrigger:
    wf = load_workflow_text(f"on:\n  push:\n{tags_yaml}jobs: {{}}\n", Path("w.yml"), "w.yml")
    trigger = tag_trigger(wf)
    assert trigger is not None
    return trigger


def test_negation_and_order():
    t = _trigger("    tags: ['v*', '!v*rc*']\n")
    assert t.matches("v1.2.3") and not t.matches("v1.2.3rc1")
    again = _trigger("    tags: ['v*', '!v*rc*', 'v*rc1']\n")
    assert again.matches("v1.2.3rc1") and not again.matches("v1.2.3rc2")
    ignore = _trigger("    tags-ignore: ['*-test*']\n")
    assert ignore.matches("v1.2.3") and not ignore.matches("v1.2.3-test1")
    assert tag_trigger(load_workflow_text("on:\n  push:\n    branches: [main]\n", Path("w.yml"), "w.yml")) is None
    assert tag_trigger(load_workflow_text("on: push\n", Path("w.yml"), "w.yml")).all_tags


def test_overlap_examples_come_from_the_patterns():
    assert "release-1.2.3" in pattern_examples("release-*")
    pypi = _trigger("    tags: ['rel-*']\n")
    test = _trigger("    tags: ['rel-*-dev*']\n")
    assert first_overlap(pypi, test) is not None
    assert first_overlap(_trigger("    tags: ['rel-[0-9]+']\n"), test) is None


def test_tag_patterns_no_overlap(repo_with):
    assert one(repo_with(), "tag-patterns-no-overlap").status == "pass"
    broad = sub(GOOD_RELEASE, '"v[0-9]+.[0-9]+.[0-9]+"', '"v*"')
    r = one(repo_with(release=broad), "tag-patterns-no-overlap")
    assert r.status == "fail"
    assert f"{RELEASE}:9 `v*` (PyPI" in r.evidence and "v1.2.3rc1" in r.evidence and TESTPYPI in r.evidence
    excluded = sub(GOOD_RELEASE, '      - "v[0-9]+.[0-9]+.[0-9]+"\n',
                   '      - "v*"\n      - "!v*[a-z]*"\n')
    r = one(repo_with(release=excluded), "tag-patterns-no-overlap")
    assert r.status == "pass", r.evidence
    assert one(repo_with(testpypi=None), "tag-patterns-no-overlap").evidence.startswith("only PyPI")


def test_one_workflow_with_both_indexes_needs_if(repo_with):
    release = GOOD_RELEASE + "\n  publish-test:\n    needs: build\n    runs-on: ubuntu-24.04\n" \
        "    environment: testpypi\n    permissions:\n      id-token: write\n    steps:\n" \
        "      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n" \
        "          repository-url: https://test.pypi.org/legacy/\n"
    # No `if:` tells them apart: every tag reaches both (computed from triggers and conditions).
    r = one(repo_with(release=release, testpypi=None), "tag-patterns-no-overlap")
    assert r.status == "fail" and "both run for a push of the tag" in r.evidence
    distinct = release.replace("  publish-test:\n    needs: build\n",
                               "  publish-test:\n    if: contains(github.ref, 'rc')\n    needs: build\n") \
        .replace("  publish:\n    name: Publish to PyPI\n",
                 "  publish:\n    if: \"!contains(github.ref, 'rc')\"\n    name: Publish to PyPI\n")
    assert one(repo_with(release=distinct, testpypi=None), "tag-patterns-no-overlap").status == "pass"


# ---------------------------------------------------------------------------
# TP3xx: zizmor
# ---------------------------------------------------------------------------
def test_zizmor_groups_findings_by_audit(repo_with):
    repo = repo_with(release=SEED, testpypi=None)
    results = [r for r in run_checks(repo, SUBJECT, only=["zizmor"]) if r.id.startswith("TP301")]
    by_slug = {r.slug: r for r in results}
    assert "zizmor/unpinned-uses" in by_slug
    unpinned = by_slug["zizmor/unpinned-uses"]
    assert unpinned.id == "TP301.unpinned-uses" and unpinned.status == "fail"
    assert unpinned.evidence.startswith("3 finding(s), worst severity high: .github/workflows/release.yml:18 (this step)")
    assert unpinned.fix == "https://docs.zizmor.sh/audits/#unpinned-uses"
    assert result_by_slug(results, "zizmor").slug.startswith("zizmor/")


def test_zizmor_passes_on_clean_workflows(repo_with):
    r = one(repo_with(), "zizmor")
    assert r.status == "pass" and "no findings in 2 workflow file(s)" in r.evidence


def test_zizmor_severity_maps_to_status(repo_with):
    repo = repo_with()
    ctx = Context(repo, SUBJECT, offline=True, pypirc=None, env={}, transport=None)
    finding = {"ident": "obfuscation", "desc": "obfuscated usage", "url": "https://docs.zizmor.sh/audits/#obfuscation",
               "determinations": {"severity": "Low", "confidence": "High"}, "ignored": False,
               "locations": [{"symbolic": {"key": {"Local": {"given_path": str(repo.root / RELEASE)}},
                                           "annotation": "here"},
                              "concrete": {"location": {"start_point": {"row": 4, "column": 0}}}}]}
    ctx._cache["zizmor"] = [finding, {**finding, "ignored": True}]
    [low] = checks_mod.zizmor_audits.zizmor_check(ctx)
    assert low.status == "warn" and low.evidence == f"1 finding(s), worst severity low: {RELEASE}:5 (here)"
    ctx._cache["zizmor"] = [{**finding, "determinations": {"severity": "Medium"}}]
    assert checks_mod.zizmor_audits.zizmor_check(ctx)[0].status == "fail"
    ctx._cache["zizmor"] = "zizmor failed (exit 1): boom"
    assert checks_mod.zizmor_audits.zizmor_check(ctx).status == "warn"


def test_zizmor_missing_is_a_warning(repo_with, monkeypatch):
    from trustpub import zizmor

    monkeypatch.setattr(zizmor, "executable", lambda: None)
    r = one(repo_with(), "zizmor")
    assert r.status == "warn" and "not installed" in r.evidence


# ---------------------------------------------------------------------------
# TP4xx: publisher identity
# ---------------------------------------------------------------------------
def test_publisher_identity(repo_with):
    r = one(repo_with(), "publisher-identity")
    assert r.status == "pass" and "acme/widget" in r.evidence
    other = one(repo_with(owner="someone", name="fork"), "publisher-identity")
    assert other.status == "fail" and "someone/fork" in other.evidence and "acme/widget" in other.evidence
    renamed = one(repo_with(), "publisher-identity", Subject("widget", "acme", "widget", workflow="publish.yml"))
    assert renamed.status == "fail" and "release.yml" in renamed.evidence and "publish.yml" in renamed.evidence
    env = one(repo_with(release=sub(GOOD_RELEASE, "name: pypi", "name: release")), "publisher-identity")
    assert env.status == "fail" and "release" in env.evidence and "names pypi" in env.evidence


def test_publisher_identity_warns_about_an_unexpected_testpypi_workflow(repo_with):
    repo = repo_with(testpypi=None, files={".github/workflows/pre.yml": GOOD_TESTPYPI})
    r = one(repo, "publisher-identity")
    assert r.status == "warn" and "pre.yml publishes to TestPyPI" in r.evidence and "testpypi.yml" in r.evidence
    renamed = Subject("widget", "acme", "widget", testpypi_workflow="pre.yml")
    assert one(repo, "publisher-identity", renamed).status == "pass"


def test_publisher_identity_skips_without_github_remote(repo_with):
    r = one(repo_with(remote=False), "publisher-identity")
    assert r.status == "skip" and "no origin remote" in r.evidence


# ---------------------------------------------------------------------------
# TP5xx: versions and tags
# ---------------------------------------------------------------------------
def test_tag_matches_version(repo_with):
    assert one(repo_with(tags=("v1.2.3",)), "tag-matches-version").status == "pass"
    r = one(repo_with(tags=("v1.2.4",)), "tag-matches-version")
    assert r.status == "fail" and "v1.2.4" in r.evidence and "1.2.3" in r.evidence
    assert one(repo_with(), "tag-matches-version").status == "skip"


def test_tag_matches_version_reads_each_tags_own_commit(repo_with):
    repo = repo_with(tags=("v1.2.3",))
    repo.git_repo.write("pyproject.toml", PYPROJECT.format(version="1.3.0"))
    repo.git_repo.commit("bump")
    repo.git_repo.tag("v1.3.0", "release")
    r = one(Repo.open(repo.root), "tag-matches-version")
    assert r.status == "pass" and "2 release tag(s)" in r.evidence
    repo.git_repo.tag("v1.4.0", "forgot to bump")
    r = one(Repo.open(repo.root), "tag-matches-version")
    assert r.status == "fail" and "tag v1.4.0, but pyproject.toml at that commit says version 1.3.0" in r.evidence


def test_tag_matches_version_accepts_versions_from_tags(repo_with):
    scm = '[build-system]\nrequires = ["setuptools", "setuptools-scm"]\n[project]\nname = "widget"\n' \
          'dynamic = ["version"]\n'
    r = one(repo_with(files={"pyproject.toml": scm}, tags=("v2.0.0",)), "tag-matches-version")
    assert r.status == "pass" and "setuptools" in r.evidence
    other = '[project]\nname = "widget"\ndynamic = ["version"]\n'
    # A version the checklist cannot read is "cannot tell" (skip with the reason), not a warning.
    r = one(repo_with(files={"pyproject.toml": other}, tags=("v2.0.0",)), "tag-matches-version")
    assert r.status == "skip" and "cannot tell" in r.evidence and "dynamic" in r.evidence


def test_tag_matches_version_ignores_test_tags_and_flags_non_versions(repo_with):
    broad = sub(GOOD_RELEASE, '"v[0-9]+.[0-9]+.[0-9]+"', '"v*"')
    assert one(repo_with(release=broad, tags=("v1.2.3", "v1.2.4-test1")), "tag-matches-version").status == "pass"
    r = one(repo_with(release=broad, tags=("vnext",)), "tag-matches-version")
    assert r.status == "fail" and "vnext is not a version" in r.evidence


def test_test_tags_cleaned(repo_with):
    assert one(repo_with(tags=("v1.2.3",), push_tags=True), "test-tags-cleaned", offline=False).status == "pass"
    repo = repo_with(tags=("v1.2.3-test1",), push_tags=True)
    r = one(repo, "test-tags-cleaned", offline=False)
    assert r.status == "fail" and "local: v1.2.3-test1" in r.evidence and "origin: v1.2.3-test1" in r.evidence
    repo.git_repo.git("tag", "-d", "v1.2.3-test1")
    r = one(Repo.open(repo.root), "test-tags-cleaned", offline=False)
    assert r.status == "fail" and "origin: v1.2.3-test1" in r.evidence and "local" not in r.evidence
    offline = one(Repo.open(repo.root), "test-tags-cleaned")
    assert offline.status == "pass" and "offline" in offline.evidence
    repo.git_repo.push(":refs/tags/v1.2.3-test1")
    assert one(Repo.open(repo.root), "test-tags-cleaned", offline=False).status == "pass"


# ---------------------------------------------------------------------------
# TP6xx: local credentials
# ---------------------------------------------------------------------------
PYPIRC = f"[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\npassword = {TOKEN}\n"


def test_no_token_in_pypirc(repo_with, tmp_path):
    repo = repo_with()
    home = tmp_path / "home"
    home.mkdir()
    assert one(repo, "no-token-in-pypirc", env={"HOME": str(home)}).status == "pass"
    (home / ".pypirc").write_text(PYPIRC)
    r = one(repo, "no-token-in-pypirc", env={"HOME": str(home)})
    assert r.status == "fail" and f"{home / '.pypirc'}:7: [pypi] password = pypi-AgEI…[redacted" in r.evidence
    assert TOKEN not in r.evidence and TOKEN[:30] not in r.evidence
    clean = tmp_path / "clean.pypirc"
    clean.write_text("[pypi]\nusername = __token__\n")
    assert one(repo, "no-token-in-pypirc", pypirc=clean).status == "pass"
    assert one(repo, "no-token-in-pypirc", env={"PYPIRC": str(home / ".pypirc")}).status == "fail"


def test_no_pypirc_at_home_holds_no_token(repo_with, tmp_path):
    r = one(repo_with(), "no-token-in-pypirc", env={"HOME": str(tmp_path)})
    assert r.status == "pass" and r.evidence == f"{tmp_path / '.pypirc'}: no such file"


@pytest.mark.parametrize("content, message", [
    (None, "no such file"), ("password = x\n", "not a valid .pypirc"), (b"\x00\x01", "binary file"),
    ("dir", "is a directory"),
])
def test_unreadable_pypirc_is_bad_input(repo_with, tmp_path, content, message):
    path = tmp_path / "given.pypirc"
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(BadInput, match=message) as exc:
        run_checks(repo_with(), SUBJECT, only=["no-token-in-pypirc"], pypirc=path)
    assert "\n" not in str(exc.value) and str(path) in str(exc.value)


def test_no_token_in_env(repo_with):
    repo = repo_with()
    assert one(repo, "no-token-in-env", env={"TWINE_PASSWORD": "not-a-token"}).status == "pass"
    r = one(repo, "no-token-in-env", env={"TWINE_PASSWORD": TOKEN})
    assert r.status == "fail" and "$TWINE_PASSWORD = pypi-AgEI…" in r.evidence and TOKEN not in r.evidence


# ---------------------------------------------------------------------------
# TP5xx/TP7xx online: PyPI through httpx.MockTransport
# ---------------------------------------------------------------------------
def project_doc(versions=("1.2.2", "1.2.3"), latest="1.2.3", project="widget") -> dict:
    def files(v):
        return [{"filename": f"{project}-{v}.tar.gz", "packagetype": "sdist", "yanked": False,
                 "upload_time_iso_8601": "2025-03-14T09:26:53.589793Z", "digests": {"sha256": "0" * 64}},
                {"filename": f"{project}-{v}-py3-none-any.whl", "packagetype": "bdist_wheel", "yanked": False,
                 "upload_time_iso_8601": "2025-03-14T09:26:58.589793Z", "digests": {"sha256": "1" * 64}}]
    return {"info": {"name": project, "version": latest, "requires_python": ">=3.11"},
            "releases": {v: files(v) for v in versions}, "urls": files(latest), "last_serial": 1}


def provenance_doc(repository="acme/widget", workflow="release.yml", environment="pypi") -> dict:
    return {"version": 1, "attestation_bundles": [{
        "publisher": {"kind": "GitHub", "repository": repository, "workflow": workflow,
                      "environment": environment, "claims": None},
        "attestations": [{"version": 1, "verification_material": {"certificate": "MIIC...", "transparency_entries": []},
                          "envelope": {"statement": "eyJ...", "signature": "MEUC..."}}]}]}


def mock_pypi(project: dict | None = None, provenance: dict | None = None, status: dict | None = None):
    """A transport answering like PyPI; `status` maps a path prefix to an error status."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        seen.append(path)
        for prefix, code in (status or {}).items():
            if path.startswith(prefix):
                return httpx.Response(code, json={"message": "error"})
        if path == "/pypi/widget/json" and project is not None:
            return httpx.Response(200, json=project)
        if path.startswith("/integrity/widget/") and path.endswith("/provenance") and provenance is not None:
            return httpx.Response(200, json=provenance)
        return httpx.Response(404, json={"message": "Not Found"})

    transport = httpx.MockTransport(handler)
    transport.seen = seen
    return transport


def online(repo, slug, transport, subject=SUBJECT):
    return one(repo, slug, subject, offline=False, transport=transport)


def test_pypi_checks_are_skipped_offline(repo_with):
    transport = mock_pypi(project_doc())
    for slug in ("project-exists", "provenance-matches-publisher", "tags-on-pypi"):
        r = one(repo_with(), slug, transport=transport)
        assert (r.status, r.evidence) == ("skip", "offline")
    assert transport.seen == []


def test_project_exists(repo_with):
    repo = repo_with()
    r = online(repo, "project-exists", mock_pypi(project_doc()))
    assert r.status == "pass" and "latest 1.2.3" in r.evidence
    r = online(repo, "project-exists", mock_pypi(None))
    assert r.status == "fail" and SUBJECT.pending_publisher_url in r.evidence and "pending publisher" in r.evidence
    r = online(repo, "project-exists", mock_pypi(status={"/pypi/": 503}))
    assert r.status == "skip" and "HTTP 503" in r.evidence


def test_project_exists_when_pypi_is_unreachable(repo_with):
    def refuse(request):
        raise httpx.ConnectError("refused", request=request)
    r = online(repo_with(), "project-exists", httpx.MockTransport(refuse))
    assert r.status == "skip" and "connection failed" in r.evidence


def test_provenance_matches_publisher(repo_with):
    repo = repo_with()
    transport = mock_pypi(project_doc(), provenance_doc())
    r = online(repo, "provenance-matches-publisher", transport)
    assert r.status == "pass" and "2 file(s) attested by acme/widget release.yml" in r.evidence
    assert transport.seen == ["/pypi/widget/json", "/integrity/widget/1.2.3/widget-1.2.3.tar.gz/provenance",
                              "/integrity/widget/1.2.3/widget-1.2.3-py3-none-any.whl/provenance"]
    wrong = online(repo, "provenance-matches-publisher", mock_pypi(project_doc(), provenance_doc(workflow="ci.yml")))
    assert wrong.status == "fail" and "ci.yml" in wrong.evidence and "release.yml" in wrong.evidence
    assert wrong.fix == "publisher_values.py"
    none = online(repo, "provenance-matches-publisher", mock_pypi(project_doc(), None))
    assert none.status == "fail" and "no provenance" in none.evidence and none.fix == "fix_attestations.py"
    down = online(repo, "provenance-matches-publisher", mock_pypi(project_doc(), status={"/integrity/": 500}))
    assert down.status == "skip" and "HTTP 500" in down.evidence
    missing = online(repo, "provenance-matches-publisher", mock_pypi(None))
    assert missing.status == "skip" and "TP701" in missing.evidence


def test_tags_on_pypi(repo_with):
    transport = mock_pypi(project_doc())
    assert online(repo_with(tags=("v1.2.3",)), "tags-on-pypi", transport).status == "pass"
    r = online(repo_with(version="1.2.4", tags=("v1.2.4",)), "tags-on-pypi", transport)
    assert r.status == "fail" and "not on PyPI: v1.2.4" in r.evidence
    behind = online(repo_with(version="1.2.2", tags=("v1.2.2",)), "tags-on-pypi", transport)
    assert behind.status == "fail" and "newest tag 1.2.2 is behind PyPI's latest 1.2.3" in behind.evidence
    assert online(repo_with(tags=("v1.2.3",)), "tags-on-pypi", mock_pypi(None)).status == "skip"


def test_one_budget_for_all_pypi_calls(repo_with):
    import asyncio
    import time

    async def slow(request):
        await asyncio.sleep(0.3)
        return httpx.Response(200, json=project_doc())
    started = time.monotonic()
    results = run_checks(repo_with(), SUBJECT, offline=False, transport=httpx.MockTransport(slow), env={},
                         only=["project-exists", "provenance-matches-publisher", "tags-on-pypi"], budget=0.5)
    assert time.monotonic() - started < 1.5
    tags, exists, provenance = results
    assert (tags.id, tags.status) == ("TP502", "skip")  # no release tags in this repository
    assert exists.status == "pass"  # the JSON answer arrived within the budget...
    assert provenance.status == "skip" and "budget" in provenance.evidence  # ...the rest of it was too short


# ---------------------------------------------------------------------------
# TP9xx: manual items
# ---------------------------------------------------------------------------
def test_manual_items_are_manual_with_a_doc_link(repo_with):
    results = run_checks(repo_with(), SUBJECT, only=[c.id for c in CHECKS if c.manual], env={})
    assert results and all(r.status == "manual" and ".md#" in r.fix for r in results)
    assert SUBJECT.token_url in result_by_slug(results, "old-token-revoked").evidence
    assert SUBJECT.two_factor_url in result_by_slug(results, "2fa-enabled").evidence


def test_results_serialise_without_tokens(repo_with):
    results = run_checks(repo_with(), SUBJECT, only=["no-token-in-env"], env={"TWINE_PASSWORD": TOKEN})
    assert TOKEN not in json.dumps([r.as_dict() for r in results])


# ---------------------------------------------------------------------------
# The fast reading the checks use is the round-trip reading, minus comments
# ---------------------------------------------------------------------------
ANCHORS = """\
on:
  push:
    tags: ['v*']
x-common: &common
  runs-on: ubuntu-latest
  timeout-minutes: 0x10
jobs:
  a:
    <<: *common
    steps:
      - run: echo "yes"   # a comment
        if: yes
      - run: 1.5e3
  b:
    <<: *common
    runs-on: windows-latest
    env: {A: ~, B: null, C: "null", D: 012, E: 0o12, F: .5, G: '1', H: off, I: True}
    steps: []
"""


def _positions(node, path="$", acc=None):
    acc = {} if acc is None else acc
    if isinstance(node, dict):
        for k, v in node.items():
            try:
                acc[f"{path}/{k}"] = tuple(node.lc.key(k))
            except KeyError:  # a key merged in with `<<:` has no position of its own
                acc[f"{path}/{k}"] = None
            _positions(v, f"{path}/{k}", acc)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            acc[f"{path}[{i}]"] = tuple(node.lc.item(i))
            _positions(v, f"{path}[{i}]", acc)
    return acc


@pytest.mark.parametrize("text", [GOOD_RELEASE, GOOD_TESTPYPI, SEED, ANCHORS], ids=["release", "testpypi", "seed",
                                                                                     "anchors"])
def test_reading_for_checks_equals_round_trip_reading(text):
    from trustpub.repo import load_workflow_for_reading

    rt = load_workflow_text(text, Path("w.yml"), "w.yml")
    fast = load_workflow_for_reading(text, Path("w.yml"), "w.yml")
    assert json.dumps(fast.data, sort_keys=False) == json.dumps(rt.data, sort_keys=False)
    assert _positions(fast.data) == _positions(rt.data)
    assert fast.triggers.keys() == rt.triggers.keys() and fast.publishing_jobs == rt.publishing_jobs


@pytest.mark.parametrize("text, message", [("a: 1\na: 2\n", "w.yml:2: not valid YAML: found duplicate key"),
                                           ("a: [1\n", "w.yml:2: not valid YAML:"), ("", "w.yml: empty workflow"),
                                           ("- a\n", "w.yml: a workflow must be a mapping")])
def test_reading_for_checks_rejects_what_round_trip_rejects(text, message):
    from trustpub.repo import load_workflow_for_reading

    for load in (load_workflow_for_reading, load_workflow_text):
        with pytest.raises(BadInput, match=re.escape(message)):
            load(text, Path("w.yml"), "w.yml")


def test_zizmor_says_which_workflow_it_could_not_audit(repo_with):
    repo = repo_with(files={".github/workflows/odd.yml": "on: 42\njobs: {}\n"})
    [r] = [r for r in run_checks(repo, SUBJECT, only=["zizmor"]) if r.id.startswith("TP301")]
    assert r.status == "warn" and ".github/workflows/odd.yml: input does not match" in r.evidence
    only_odd = repo_with(release=None, testpypi=None, files={".github/workflows/odd.yml": "on: 42\njobs: {}\n"})
    r = one(only_odd, "zizmor")
    assert r.status == "warn" and r.evidence.startswith("zizmor failed (exit 3): .github/workflows/odd.yml")


@pytest.mark.parametrize("body", [[], "text", None, 42, {"info": None, "releases": [], "urls": "x"},
                                  {"info": {"version": 3}, "urls": [{"filename": 5}, "x"]}])
def test_odd_pypi_answers_never_crash(repo_with, body):
    def handler(request):
        return httpx.Response(200, json=body)
    results = run_checks(repo_with(tags=("v1.2.3",)), SUBJECT, offline=False, env={},
                         transport=httpx.MockTransport(handler),
                         only=["project-exists", "provenance-matches-publisher", "tags-on-pypi"])
    for r in results:
        assert r.status in ("pass", "skip", "fail"), r
    if not isinstance(body, dict):
        assert all(r.status == "skip" and "did not answer" in r.evidence for r in results)


def test_odd_provenance_answers_count_as_no_provenance(repo_with):
    odd = {"attestation_bundles": [{"publisher": "GitHub"}, 7, {"publisher": None}]}
    r = online(repo_with(), "provenance-matches-publisher", mock_pypi(project_doc(), odd))
    assert r.status == "fail" and "no provenance" in r.evidence
