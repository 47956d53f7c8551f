"""Property tests for the workflow editors (fix_id_token, fix_action_ref, fix_attestations,
fix_tag_overlap, harden_workflow), called in-process on generated workflows.

Generated: comments in every position (header, above keys, end of line, between
steps, at the end), anchors and aliases, flow and block style, quoted and
unquoted scalars, blank lines, unrelated jobs, the publish step in one job or in
a separate job, with and without permissions / environment / inputs.

For each fixer and example:
- the result parses, and validates against the GitHub workflow schema
  (check-jsonschema's vendored github-workflows.json);
- the matching checklist items pass (unless the fixer itself said what it could not fix);
- only the targeted keys change: the data with those keys masked is identical,
  the unrelated jobs' lines are in the result byte for byte, and every full-line
  comment is still there;
- a second run changes nothing.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import check_jsonschema
import jsonschema
from hypothesis import given, note, settings
from hypothesis import strategies as st

from trustpub.commands import fix_action_ref
from trustpub.commands import fix_attestations
from trustpub.commands import fix_tag_overlap
from trustpub.commands import harden_workflow
from conftest import git
from tally import count
from trustpub.checks import run_checks
from trustpub.config import Subject
from trustpub.repo import PUBLISH_ACTION, Repo, make_yaml
from trustpub.wfedit import WorkflowEdit, limit_id_token, plain

SCHEMA = json.loads((Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
                     / "github-workflows.json").read_text())
VALIDATOR = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
SUBJECT = Subject(project="widget", owner="acme", repository="widget")
EXAMPLES = max(15, settings.default.max_examples // 20)  # ruamel round trips are slow: 100 per editor in CI


# -- generating workflows ----------------------------------------------------------

def q(draw, value: str) -> str:
    """The scalar as it might be written: plain, single or double quoted."""
    style = draw(st.sampled_from(["plain", "single", "double"]))
    return {"plain": value, "single": f"'{value}'", "double": f'"{value}"'}[style]


def comment(draw, text: str = "note") -> str:
    return draw(st.sampled_from(["", f"  # {text}", f" # {text} ✓"]))


@st.composite
def workflows(draw) -> tuple[str, list[str]]:
    """(workflow text, text blocks that must survive every fixer verbatim)."""
    keep: list[str] = []
    lines: list[str] = []
    header = draw(st.sampled_from(["", "# Release workflow\n# Publishes to PyPI.\n", "---\n# doc start\n"]))
    lines.append(header)
    lines.append(f"name: {q(draw, 'Release')}{comment(draw, 'shown in the Actions tab')}\n")
    if draw(st.booleans()):
        lines.append("\n")
    tags = draw(st.sampled_from([["v*"], ["v[0-9]+.[0-9]+.[0-9]+"], ["v*", "!v*-test*"], ["*"], ["v*.*.*"],
                                 ["v[0-9]*"]]))
    lines.append("on:" + comment(draw, "triggers") + "\n  push:\n")
    if draw(st.booleans()):
        lines.append("    tags: [" + ", ".join(f'"{t}"' for t in tags) + "]\n")
    else:
        lines.append("    tags:\n" + "".join(f"      - {q(draw, t) if not t.startswith(('*', '!')) else repr(t)}"
                                             f"{comment(draw, 'pattern')}\n" for t in tags))
    if draw(st.booleans()):
        lines.append("  workflow_dispatch:\n")
    if draw(st.booleans()):
        lines.append("\n# Permissions for every job unless a job sets its own\n")
    top_perm = draw(st.sampled_from(["none", "empty", "read", "idtoken", "flow-idtoken"]))
    lines.append({"none": "", "empty": "permissions: {}\n", "read": "permissions:\n  contents: read\n",
                  "idtoken": "permissions:\n  id-token: write  # for PyPI\n  contents: read\n",
                  "flow-idtoken": "permissions: {id-token: write, contents: read}\n"}[top_perm])
    anchor = draw(st.booleans())
    if anchor:
        lines.append("env: &defaults\n  PYTHON_VERSION: \"3.11\"\n  FORCE_COLOR: 1\n")
    lines.append("\njobs:\n")
    if draw(st.booleans()):  # an unrelated job: must come out byte for byte
        lint = ("  lint:" + comment(draw, "not part of the release") + "\n"
                "    runs-on: " + q(draw, "ubuntu-latest") + "\n"
                + ("    env: *defaults\n" if anchor else "")
                + "    strategy:\n      matrix: {python: [\"3.11\", \"3.12\"]}\n"
                "    steps:\n"
                "      # check out first\n"
                "      - &checkout\n        uses: actions/checkout@v4\n"
                "      - run: pipx run ruff check .  # lint\n\n")
        lines.append(lint)
        keep.append(lint)
    separate = draw(st.booleans())
    job_perm = draw(st.sampled_from(["none", "idtoken", "read", "flow"]))
    perm_text = {"none": "", "idtoken": "    permissions:\n      id-token: write\n",
                 "read": "    permissions:\n      contents: read\n",
                 "flow": "    permissions: {id-token: write}\n"}[job_perm]
    env_text = draw(st.sampled_from(["", "    environment: pypi\n", "    environment:\n      name: pypi\n"
                                     "      url: https://pypi.org/p/widget\n", "    environment: release\n"]))
    ref = draw(st.sampled_from(["release/v1", "v1.8.10", "v1.12.4", "master", "unstable/v1",
                                "76f52bc884231f62b9a034ebfe128415bbaabdfc",
                                "dc37677b2e1c63e2034f94d8a5b11f265b73ba33 # v1.14.2"]))
    inputs = draw(st.sampled_from(["", "        with:\n          attestations: false\n",
                                   "        with:\n          skip-existing: true\n          attestations: 'false'\n",
                                   "        with: {print-hash: true}\n",
                                   "        with:\n          verbose: true  # loud\n"]))
    build_steps = ("      - uses: actions/checkout@v4" + comment(draw, "code") + "\n"
                   + draw(st.sampled_from(["", "\n"]))
                   + "      - name: " + q(draw, "Set up Python") + "\n"
                   "        uses: actions/setup-python@v5\n"
                   "        with:\n          python-version: " + q(draw, "3.11") + "\n"
                   "      # build both kinds of distribution\n"
                   "      - run: python -m pip install build && python -m build\n")
    publish_step = ("      - name: Publish to PyPI" + comment(draw, "the upload") + "\n"
                    f"        uses: {PUBLISH_ACTION}@{ref}\n" + inputs)
    if separate:
        lines.append("  build:\n    runs-on: ubuntu-latest\n    steps:\n" + build_steps
                     + "      - uses: actions/upload-artifact@v4\n        with:\n          name: dist\n"
                     "          path: dist/\n\n")
        lines.append("  publish:\n    needs: [build]\n    runs-on: ubuntu-latest\n" + env_text + perm_text
                     + "    steps:\n      - uses: actions/download-artifact@v4\n        with:\n"
                     "          name: dist\n          path: dist/\n" + publish_step)
    else:
        lines.append("  pypi-publish:\n    name: " + q(draw, "Build and publish") + "\n"
                     "    runs-on: ubuntu-latest\n" + env_text + perm_text + "    steps:\n" + build_steps
                     + publish_step)
    lines.append(draw(st.sampled_from(["", "# end of file\n", "\n\n"])))
    return "".join(lines), keep


# -- the fixers, and what each may change -------------------------------------------------

def _publish_jobs(data) -> set[str]:
    return {j for j, job in (data.get("jobs") or {}).items()
            if any(isinstance(s, dict) and str(s.get("uses", "")).startswith(PUBLISH_ACTION)
                   for s in (job or {}).get("steps") or [])}


def mask_permissions(data):
    data.pop("permissions", None)
    for job in (data.get("jobs") or {}).values():
        if isinstance(job, dict):
            job.pop("permissions", None)
    return data


def mask_publish_step(key: str):
    def mask(data):
        for job in (data.get("jobs") or {}).values():
            for s in (job or {}).get("steps") or []:
                if isinstance(s, dict) and str(s.get("uses", "")).startswith(PUBLISH_ACTION):
                    s.pop(key, None) if key != "uses" else s.__setitem__("uses", PUBLISH_ACTION)
        return data
    return mask


def mask_tags(data):
    push = (data.get("on") or {}).get("push")
    if isinstance(push, dict):
        push.pop("tags", None)
        push.pop("tags-ignore", None)
    return data


def mask_harden(data):
    """harden_workflow restructures the publishing jobs, and (documented) pins every action to a
    confirmed SHA and sets `persist-credentials: false` on checkout in every job."""
    mask_permissions(data)
    jobs = data.get("jobs") or {}
    for j in list(jobs):
        if j not in ("lint",):
            jobs.pop(j)
            continue
        for s in jobs[j].get("steps") or []:
            if isinstance(s, dict) and "uses" in s:
                s["uses"] = str(s["uses"]).split("@")[0]
                w = s.get("with")
                if isinstance(w, dict):
                    w.pop("persist-credentials", None)
                    if not w:
                        s.pop("with")
    return data


FIXERS = {
    "fix_id_token": (lambda we: limit_id_token(we), ["id-token-on-publish-job", "id-token-not-elsewhere"],
                     mask_permissions),
    "fix_action_ref": (lambda we: fix_action_ref.fix(we), ["publish-action-ref"], mask_publish_step("uses")),
    "fix_attestations": (lambda we: fix_attestations.fix(we), ["attestations-on"], mask_publish_step("with")),
    "fix_tag_overlap": (lambda we: fix_tag_overlap.fix(we), ["tag-patterns-no-overlap"], mask_tags),
    "harden_workflow": (lambda we: harden_workflow.harden(we, {"pypi": "pypi", "testpypi": "testpypi"}),
                        ["separate-build-publish", "publish-environment", "id-token-on-publish-job",
                         "id-token-not-elsewhere"], mask_harden),
}


class Sandbox:
    """One git repository per test; each example rewrites its workflow file."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory()
        self.root = Path(self._tmp.name)
        git(self.root, "init", "-q", "-b", "main")
        git(self.root, "remote", "add", "origin", "https://github.com/acme/widget.git")
        (self.root / "pyproject.toml").write_text('[project]\nname = "widget"\nversion = "1.0.0"\n')
        self.wf = self.root / ".github" / "workflows" / "release.yml"
        self.wf.parent.mkdir(parents=True)
        self.wf.write_text("on: push\njobs: {}\n")
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "init")
        self.repo = Repo.open(self.root)

    def fix(self, name: str, text: str) -> tuple[str, list[str]]:
        we = WorkflowEdit(path=self.wf, relpath=".github/workflows/release.yml", old=text, backup=False)
        problems = FIXERS[name][0](we)
        return we.edit().new, problems

    def check(self, text: str, slugs: list[str]) -> dict[str, tuple[str, str]]:
        self.wf.write_text(text)
        self.repo.invalidate()
        return {r.slug: (r.status, r.evidence) for r in run_checks(self.repo, SUBJECT, only=slugs, env={})}


def full_line_comments(text: str) -> Counter:
    return Counter(ln.strip() for ln in text.splitlines() if ln.strip().startswith("#"))


def load_plain(text: str):
    return plain(make_yaml().load(text))


def check_fixer(name: str, sandbox: Sandbox, text: str, keep: list[str]) -> None:
    note(text)
    _, slugs, mask = FIXERS[name]
    new, problems = sandbox.fix(name, text)
    note(new)
    data = load_plain(new)
    errors = sorted(VALIDATOR.iter_errors(json.loads(json.dumps(data, default=str))), key=str)
    assert not errors, f"schema: {errors[0].message} at {list(errors[0].path)}"
    if not problems:
        for slug, (status, evidence) in sandbox.check(new, slugs).items():
            assert status in ("pass", "warn", "skip"), f"{slug}: {status}: {evidence}"
    assert mask(load_plain(text)) == mask(data), "a key outside the fixer's targets changed"
    for block in keep if name != "harden_workflow" else []:  # harden pins the actions of every job
        assert block in new, f"unrelated lines changed:\n{block}"
    lost = full_line_comments(text) - full_line_comments(new)
    assert not lost, f"comments lost: {list(lost)}"
    again, _ = sandbox.fix(name, new)
    assert again == new, "not idempotent"
    count(examples=1, inputs=1, bytes_checked=len(text.encode()), bytes_lost=0)


def _property(name: str):
    @settings(max_examples=EXAMPLES)
    @given(workflows())
    def test(generated):
        text, keep = generated
        sandbox = SANDBOXES.setdefault(name, Sandbox())
        check_fixer(name, sandbox, text, keep)
    test.__name__ = f"test_{name}_keeps_the_rest"
    return test


SANDBOXES: dict[str, Sandbox] = {}
test_fix_id_token_keeps_the_rest = _property("fix_id_token")
test_fix_action_ref_keeps_the_rest = _property("fix_action_ref")
test_fix_attestations_keeps_the_rest = _property("fix_attestations")
test_fix_tag_overlap_keeps_the_rest = _property("fix_tag_overlap")
test_harden_workflow_keeps_the_rest = _property("harden_workflow")


def test_generator_makes_valid_workflows():
    """The inputs themselves are valid workflows (so a schema error after a fix is the fixer's)."""
    @settings(max_examples=30)
    @given(workflows())
    def inner(generated):
        text, _ = generated
        data = load_plain(text)
        assert not list(VALIDATOR.iter_errors(json.loads(json.dumps(data, default=str))))
    inner()


def test_harden_keeps_comment_after_last_step():
    text = ("name: Release\non:\n  push:\n    tags: [\"*\"]\njobs:\n  pypi-publish:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - uses: actions/checkout@v4\n      - run: python -m build\n"
            "      - name: Publish to PyPI\n        uses: pypa/gh-action-pypi-publish@v1.12.4\n"
            "        with: {print-hash: true}\n# end of file\n")
    new, _ = SANDBOXES.setdefault("harden_workflow", Sandbox()).fix("harden_workflow", text)
    assert "# end of file" in new
