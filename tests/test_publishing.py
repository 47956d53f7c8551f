"""The publishing model (trustpub.publishing): every fixture's upload paths and the workflow checks' verdicts,
fixers that keep every upload path working, and generated workflows that never crash the reader."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from publishing_fixtures import FIXTURES, PYPROJECT, Fixture
from trustpub.checks import run_checks
from trustpub.cli import SUBJECT_KEYS, resolve_subject
from trustpub.publishing import describe_model, read_repo, read_workflows
from trustpub.publishing.conditions import evaluate, run_context
from trustpub.repo import Repo, load_workflow_for_reading

WORKFLOW_CHECKS = ("TP100", "TP101", "TP102", "TP103", "TP104", "TP105", "TP106", "TP107", "TP108", "TP109",
                   "TP110", "TP111", "TP112", "TP113", "TP201", "TP401")


def _make(make_repo, fx: Fixture) -> Repo:
    files = {"pyproject.toml": PYPROJECT, **fx.files}
    return Repo.open(make_repo(files=files).path)


def _subject(repo: Repo, options: dict[str, str]):
    args = argparse.Namespace(**{k: options.get(k) for k in SUBJECT_KEYS})
    return resolve_subject(repo, args)


def _paths(model) -> list[tuple]:
    return [(Path(u.workflow).name, u.job, u.tool, u.index, u.auth, u.environment) for u in model.uploads]


def test_there_are_enough_fixtures():
    assert len(FIXTURES) >= 25 and len({f.name for f in FIXTURES}) == len(FIXTURES)


@pytest.mark.parametrize("fx", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixture_publishing_and_checks(make_repo, fx):
    repo = _make(make_repo, fx)
    model = read_repo(repo)
    assert sorted(_paths(model)) == sorted(fx.publishing)
    assert len(model.may_upload) == fx.may_upload, model.may_upload
    resolved = _subject(repo, fx.options)
    results = {r.id: r for r in run_checks(repo, resolved.subject, only=list(WORKFLOW_CHECKS),
                                           sources=resolved.sources, env={})}
    got = {k: results[k].status for k in fx.statuses}
    assert got == fx.statuses, {k: results[k].evidence for k in fx.statuses if got[k] != fx.statuses[k]}
    # The text block names every upload path, workflow:job:line first.
    lines = describe_model(model)
    assert lines[0] == "How this repository publishes"
    for u in model.uploads:
        assert any(line.startswith(f"  {u.workflow}:{u.job}:{u.line}: {u.tool}") for line in lines)


FIXERS = ("fix_id_token", "harden_workflow", "fix_attestations", "fix_action_ref")


@pytest.mark.parametrize("fx", FIXTURES, ids=[f.name for f in FIXTURES])
def test_fixers_never_break_an_upload_path(make_repo, fx, monkeypatch):
    import importlib

    repo = _make(make_repo, fx)
    before = read_repo(repo)
    if before.broken or not before.uploads:
        pytest.skip("no upload to keep (or a broken file the fixers refuse)")
    for name in FIXERS:
        module = importlib.import_module(f"trustpub.commands.{name}")
        try:
            module.main(["--repo", str(repo.root), "--yes"])
        except SystemExit:
            pass
        except Exception as exc:  # a fixer's documented refusal is a CannotFix/BadInput, never a crash
            from trustpub.errors import BadInput, CannotFix

            assert isinstance(exc, (BadInput, CannotFix)), exc
    repo.invalidate()
    after = read_repo(repo)
    assert not after.broken
    kept = {(Path(u.register).name, u.tool, u.index, u.auth) for u in after.uploads}
    for u in before.uploads:
        assert (u.register, u.tool, u.index, u.auth) in kept, (u, kept)
        if u.trusted and u.id_token:
            assert any(a.id_token for a in after.uploads if (a.register, a.tool, a.index) ==
                       (u.register, u.tool, u.index)), f"{u.label} lost id-token: write"


def test_fix_id_token_keeps_id_token_on_a_uv_publish_job(make_repo):
    from trustpub.commands import fix_id_token

    fx = next(f for f in FIXTURES if f.name == "uv-publish-trusted")
    repo = _make(make_repo, fx)
    text = (repo.root / ".github/workflows/release.yml").read_text()
    fix_id_token.main(["--repo", str(repo.root), "--yes"])
    assert (repo.root / ".github/workflows/release.yml").read_text() == text  # nothing to take away
    repo.invalidate()
    [u] = read_repo(repo).uploads
    assert u.tool == "uv" and u.id_token


def test_fix_id_token_keeps_the_attestation_job(make_repo):
    from trustpub.commands import fix_id_token

    fx = next(f for f in FIXTURES if f.name == "attestations-in-build-job")
    repo = _make(make_repo, fx)
    fix_id_token.main(["--repo", str(repo.root), "--yes"])
    text = (repo.root / ".github/workflows/release.yml").read_text()
    build = text.split("  publish:")[0]
    assert "id-token: write" in build and "attestations: write" in build


def test_model_fields_for_package_attribution(tmp_path):
    fx = next(f for f in FIXTURES if f.name == "matrix-over-packages-with-prefix-tags")
    [u] = _read(tmp_path, fx).uploads
    assert u.matrix == {"package": ["core", "cli"]}
    assert u.packages_dir == "${{ matrix.package }}/dist"
    assert u.tag_prefixes == ["cli-v", "core-v"]
    assert [t.describe() for t in u.triggers] == ["tag push core-v*, cli-v*"]


def test_reusable_workflow_chain_and_register(tmp_path):
    fx = next(f for f in FIXTURES if f.name == "same-repo-reusable-workflow")
    [u] = _read(tmp_path, fx).uploads
    assert u.register == "publish-pypi.yml" and u.callers == [".github/workflows/release.yml:pypi"]
    assert u.triggers[0].workflow == ".github/workflows/release.yml" and u.id_token
    assert u.as_dict()["callers"] == [".github/workflows/release.yml:pypi"]


def test_job_if_narrows_the_triggers(tmp_path):
    fx = next(f for f in FIXTURES if f.name == "job-if-narrows-tag-trigger-to-release")
    [u] = _read(tmp_path, fx).uploads
    assert [t.event for t in u.triggers] == ["release"]
    assert u.runs_for("push", "refs/tags/v1.0") is False and u.runs_for("release", "refs/tags/v1.0") is True


def test_script_is_followed(tmp_path):
    fx = next(f for f in FIXTURES if f.name == "script-delegation-followed")
    [u] = _read(tmp_path, fx).uploads
    assert u.via_script == "scripts/publish.sh" and u.auth_evidence == "TWINE_PASSWORD set"


def _read(tmp_path: Path, fx: Fixture):
    for rel, text in fx.files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return read_repo(Repo(root=tmp_path))


@pytest.mark.parametrize("expr, event, ref, expected", [
    ("github.event_name == 'release'", "push", "refs/tags/v1", False),
    ("${{ github.event_name == 'release' }}", "release", "refs/tags/v1", True),
    ("startsWith(github.ref, 'refs/tags/')", "push", "refs/heads/main", False),
    ("startsWith(github.ref, 'refs/tags/') && !contains(github.ref, '-')", "push", "refs/tags/v1-rc", False),
    ("success() && github.ref_type == 'tag'", "push", "refs/tags/v1", True),
    ("needs.plan.outputs.publish == 'true'", "push", "refs/tags/v1", None),
    ("fromJSON(needs.a.outputs.b).x || github.event_name == 'push'", "push", "", True),
    ("github.repository == 'acme/widget' && github.event_name == 'push'", "push", "", None),
    ("not ( valid", "push", "", None),
    ("github.event_name == 'push' && startsWith(github.event.ref, 'refs/tags')", "push", "refs/heads/main", False),
])
def test_conditions(expr, event, ref, expected):
    assert evaluate(expr, run_context(event, ref)) is expected


# ---------------------------------------------------------------------------
# Property: generated workflows never crash the model, and it stays fast
# ---------------------------------------------------------------------------
_scalar = st.one_of(st.sampled_from(["v*", "*", "${{ matrix.x }}", "${{ secrets.PYPI_TOKEN }}", "__token__",
                                     "https://test.pypi.org/legacy/", "release", "", "~", "!v*rc*", "'"]),
                    st.text(max_size=12), st.integers(), st.booleans(), st.none())
_value = st.recursive(_scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=12)
_run = st.sampled_from(["uv publish", "twine upload -r testpypi dist/*", "poetry publish -r corp", "tox -e release",
                        "./scripts/publish", "pdm publish -P x", "maturin upload", "echo hi", "uv publish \\\n  -t x",
                        "hatch publish -a $X", "make release", "python -m twine upload --repository-url $U"])
_step = st.one_of(
    st.fixed_dictionaries({"run": _run}, optional={"if": _scalar, "env": _value, "working-directory": _scalar}),
    st.fixed_dictionaries({"uses": st.sampled_from(["pypa/gh-action-pypi-publish@release/v1", "PyO3/maturin-action@v1",
                                                    "actions/attest-build-provenance@v2", "./.github/workflows/x.yml",
                                                    "actions/checkout@v5"])},
                          optional={"with": _value, "if": _scalar}),
    _value)
_job = st.one_of(
    st.fixed_dictionaries({"runs-on": _value, "steps": st.lists(_step, max_size=4)},
                          optional={"if": _scalar, "needs": _value, "permissions": _value, "environment": _value,
                                    "strategy": _value, "defaults": _value}),
    st.fixed_dictionaries({"uses": st.sampled_from(["./.github/workflows/a.yml", "./.github/workflows/b.yml",
                                                    "o/r/.github/workflows/p.yml@v1"])},
                          optional={"permissions": _value, "if": _scalar, "needs": _value}),
    _value)
_workflow = st.fixed_dictionaries(
    {"on": st.one_of(_value, st.sampled_from(["push", "workflow_call", ["push", "release"]]),
                     st.fixed_dictionaries({"push": st.fixed_dictionaries({}, optional={"tags": _value,
                                                                                         "branches": _value})})),
     "jobs": st.dictionaries(st.sampled_from(["build", "publish", "a", "b", "call"]), _job, max_size=4)},
    optional={"permissions": _value, "env": _value})


def _dump(data) -> str:
    import yaml

    text = yaml.safe_dump(data, sort_keys=False)
    # Odd YAML a person writes: an anchor and an alias of the first job's mapping.
    return text.replace("jobs:\n", "x-common: &common\n  runs-on: ubuntu-latest\njobs:\n  anchored:\n    <<: *common\n"
                        "    steps: []\n", 1) if "jobs:\n" in text else text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_workflow, min_size=1, max_size=3))
def test_generated_workflows_never_crash_the_model(tmp_path_factory, workflows):
    root = tmp_path_factory.mktemp("wf")
    (root / "scripts").mkdir()
    (root / "scripts/publish").write_text("twine upload dist/*\n")
    parsed = []
    for i, data in enumerate(workflows):
        rel = f".github/workflows/{'ab'[i % 2] if i < 2 else 'c'}.yml"
        try:
            parsed.append(load_workflow_for_reading(_dump(data), root / rel, rel))
        except Exception as exc:  # the fast reader's own one-line errors are BrokenFile findings
            from trustpub.errors import BadInput

            assert isinstance(exc, BadInput)
    started = time.perf_counter()
    model = read_workflows(root, parsed)
    describe_model(model)
    for u in model.uploads:
        assert u.tool in ("pypa-action", "uv", "twine", "poetry", "pdm", "hatch", "flit", "maturin")
        assert u.index in ("pypi", "testpypi", "other", "unknown") and u.auth in ("trusted", "token")
        u.as_dict()
        u.runs_for("push", "refs/tags/v1.2.3")
    assert time.perf_counter() - started < 2.0  # a bound, far above the few ms it takes


def test_zizmor_findings_outside_upload_workflows_warn_unless_strict(make_repo):
    from trustpub import checks as checks_mod
    from trustpub.checks import Context
    from trustpub.config import Subject

    fx = next(f for f in FIXTURES if f.name == "pypa-action-environment-release")
    gr = make_repo(files={"pyproject.toml": PYPROJECT, **fx.files,
                          ".github/workflows/docs.yml": "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n"
                                                        "    steps:\n      - run: echo docs\n"})
    repo = Repo.open(gr.path)

    def finding(rel: str) -> dict:
        return {"ident": "template-injection", "desc": "d", "determinations": {"severity": "High"},
                "locations": [{"symbolic": {"key": {"Local": {"given_path": str(repo.root / rel)}}},
                               "concrete": {"location": {"start_point": {"row": 1}}}}]}

    subject = Subject("widget", "acme", "widget")
    for strict, rel, want in ((False, ".github/workflows/docs.yml", "warn"),
                              (True, ".github/workflows/docs.yml", "fail"),
                              (False, ".github/workflows/release.yml", "fail")):
        ctx = Context(repo, subject, offline=True, pypirc=None, env={}, transport=None, strict=strict)
        ctx._cache["zizmor"] = [finding(rel)]
        [r] = checks_mod.zizmor_audits.zizmor_check(ctx)
        assert r.status == want, (strict, rel, r.evidence)
        assert ("fails only with --strict" in r.evidence) == (want == "warn")


def test_missing_subject_values_are_asked_for_at_once_and_say_what_is_true(make_repo):
    from trustpub.errors import BadInput

    gr = make_repo(files={"README.md": "x\n"}, remote=False)
    with pytest.raises(BadInput) as exc:
        _subject(Repo.open(gr.path), {})
    message = str(exc.value)
    assert "has no remote named origin" in message and "not a GitHub remote" not in message
    assert "--project NAME --owner NAME --repository NAME" in message
    gr.git("remote", "add", "origin", "https://gitlab.com/acme/widget.git")
    with pytest.raises(BadInput, match="origin is https://gitlab.com/acme/widget.git, not a GitHub remote"):
        _subject(Repo.open(gr.path), {"project": "widget"})


def test_tool_table_values_are_registered_and_shown_with_their_source(make_repo):
    gr = make_repo(files={"pyproject.toml": PYPROJECT + '\n[tool.trustpub]\nenvironment = "deploy"\n'})
    resolved = _subject(Repo.open(gr.path), {})
    assert resolved.subject.environment == "deploy"
    assert resolved.sources["environment"] == "pyproject.toml [tool.trustpub]"
    from trustpub.errors import BadInput

    gr.write("pyproject.toml", PYPROJECT + '\n[tool.trustpub]\nenviroment = "deploy"\n')
    with pytest.raises(BadInput, match=r"\[tool.trustpub\] has no setting 'enviroment'"):
        _subject(Repo.open(gr.path), {})
