"""trustpub.wfedit: round-trip edits that leave every untouched line byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from ruamel.yaml.comments import CommentedMap

from wf_helpers import ROOT, SEED, WF, seed_text
from trustpub.errors import BadInput
from trustpub.repo import Repo, make_yaml
from trustpub.wfedit import (Indent, WorkflowEdit, detect_indent, flow_map, insert_key, merge_dump, plain,
                          remove_item, remove_key, replace_value, target_workflows)

FOUR_SPACES = """\
name: Release
on:
    push:
        tags:
        - "v*"
permissions:
    id-token: write
jobs:
    release:
        runs-on: ubuntu-latest
        steps:
        -   uses: actions/checkout@v4
        -   uses: actions/setup-python@v5
            with: {python-version: "3.12"}
        -   run: |
                python -m pip install build
                python -m build
        -   name: Publish
            uses: pypa/gh-action-pypi-publish@release/v1
"""

NO_OFFSET = """\
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
    - run: echo a   # say a

    - run: echo b
"""

SAMPLES = {
    "seed": seed_text(),
    "release": (ROOT / ".github/workflows/release.yml").read_text(),
    "testpypi": (ROOT / ".github/workflows/testpypi.yml").read_text(),
    "four": FOUR_SPACES,
    "no-offset": NO_OFFSET,
}


def editor(tmp_path: Path, text: str, newline: str = "\n") -> WorkflowEdit:
    path = tmp_path / "w.yml"
    path.write_bytes(text.replace("\n", newline).encode())
    return WorkflowEdit(path=path, relpath="w.yml", old=path.read_bytes().decode(), backup=False)


@pytest.mark.parametrize("name, expected", [
    ("seed", Indent(2, 4, 2)), ("release", Indent(2, 4, 2)), ("four", Indent(4, 4, 0)),
    ("no-offset", Indent(2, 2, 0)),
])
def test_detect_indent(name, expected):
    assert detect_indent(SAMPLES[name]) == expected


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_unchanged_tree_renders_the_file_byte_for_byte(tmp_path, name, newline):
    we = editor(tmp_path, SAMPLES[name], newline)
    assert we.render() == we.old
    assert not we.edit().changed


def _scalar_paths(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _scalar_paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _scalar_paths(v, path + (i,))
    elif isinstance(node, str) and "\n" not in node:
        yield path


def _paths(name):
    return [(name, p) for p in _scalar_paths(make_yaml().load(SAMPLES[name]))]


@pytest.mark.parametrize("name, path", [x for n in ("seed", "release", "four") for x in _paths(n)],
                         ids=lambda v: "/".join(map(str, v)) if isinstance(v, tuple) else v)
def test_changing_one_scalar_changes_one_line(tmp_path, name, path):
    we = editor(tmp_path, SAMPLES[name])
    node = we.data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "CHANGED"
    new = we.render()
    old_lines, new_lines = we.old.splitlines(keepends=True), new.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    differing = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    assert len(differing) == 1, differing
    assert "CHANGED" in differing[0][1]
    assert plain(make_yaml().load(new)) == plain(we.data)


def test_whitespace_only_lines_survive_an_edit_elsewhere(tmp_path):
    we = editor(tmp_path, seed_text())
    we.data["name"] = "Release"
    new = we.render()
    assert new.count("\n    \n") == 1 and new.count("\n      \n") == 4
    assert new == seed_text().replace("name: Release to PyPI", "name: Release", 1)


def test_crlf_file_stays_crlf(tmp_path):
    we = editor(tmp_path, seed_text(), "\r\n")
    job = we.data["jobs"]["pypi-publish"]
    insert_key(job, 2, "environment", "pypi")
    new = we.render()
    assert "\r\n    environment: pypi\r\n" in new
    assert "\n" not in new.replace("\r\n", "")


def test_insert_key_keeps_blank_line_before_the_next_key(tmp_path):
    we = editor(tmp_path, seed_text())
    job = we.data["jobs"]["pypi-publish"]
    insert_key(job, list(job).index("steps"), "permissions", flow_map())
    new = we.render()
    assert "    runs-on: ubuntu-latest\n    permissions: {}\n    \n    steps:\n" in new


def test_remove_key_moves_following_blank_line_to_the_item_before(tmp_path):
    we = editor(tmp_path, seed_text())
    remove_key(we.data["permissions"], "contents")  # the last key: a blank line followed it
    new = we.render()
    assert "permissions:\n  id-token: write  # Required for PyPI Trusted Publishing\n\njobs:\n" in new


def test_replace_value_by_flow_mapping_keeps_the_blank_line(tmp_path):
    we = editor(tmp_path, seed_text())
    replace_value(we.data, "permissions", flow_map())
    new = we.render()
    assert "      - 'v*'\n\npermissions: {}\n\njobs:\n" in new


def test_remove_item_shifts_item_comments(tmp_path):
    we = editor(tmp_path, NO_OFFSET)
    steps = we.data["jobs"]["a"]["steps"]
    remove_item(steps, 1)
    assert we.render() == "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n    - run: echo a   # say a\n\n"


def test_new_lines_use_the_files_indentation(tmp_path):
    we = editor(tmp_path, FOUR_SPACES)
    step = we.data["jobs"]["release"]["steps"][0]
    step["with"] = CommentedMap([("persist-credentials", False)])
    new = we.render()
    assert "        -   uses: actions/checkout@v4\n            with:\n                persist-credentials: false\n" in new


def test_merge_dump_without_changes_is_the_original():
    assert merge_dump("a:  1\n", "a: 1\n", "a: 1\n") == "a:  1\n"


def test_merge_dump_keeps_reformatted_neighbours():
    original = "a:   1   \nb: 2\n"
    assert merge_dump(original, "a: 1\nb: 2\n", "a: 1\nb: 3\n") == "a:   1   \nb: 3\n"


def test_no_newline_at_end(tmp_path):
    we = editor(tmp_path, "on: push\njobs:\n  a:\n    runs-on: x\n    steps: []")
    we.data["jobs"]["a"]["runs-on"] = "ubuntu-latest"
    assert we.render() == "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: []"


def test_target_workflows_errors(make_repo):
    repo = make_repo(files={"README.md": "x\n"})
    with pytest.raises(BadInput, match="no workflow uses pypa/gh-action-pypi-publish"):
        target_workflows(Repo.open(repo.path), None)
    with pytest.raises(BadInput, match=r"\.github/workflows/x\.yml: no such workflow file"):
        target_workflows(Repo.open(repo.path), "x.yml")
    repo.write(WF, SEED.read_text())
    assert [w.filename for w in target_workflows(Repo.open(repo.path), ".github/workflows/release.yml")] \
        == ["release.yml"]


def test_unparseable_yaml_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match=r"w\.yml:\d+: not valid YAML"):
        editor(tmp_path, "on: [push\njobs: {\n")


ODD_WORKFLOWS = {
    "null-job": "on: push\njobs:\n  a:\n  b:\n    runs-on: x\n    steps:\n      - uses: pypa/gh-action-pypi-publish@master\n",
    "steps-not-a-list": ("on: push\njobs:\n  a:\n    runs-on: x\n    steps: nope\n  b:\n    steps:\n"
                         "      - uses: pypa/gh-action-pypi-publish\n"),
    "step-is-a-string": ("on: [push]\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - just a string\n"
                         "      - uses: pypa/gh-action-pypi-publish@v1.4.2\n        with: {attestations: false}\n"),
    "odd-permissions": ("on: {push: {tags: v*}}\npermissions: [a]\njobs:\n  b:\n    permissions: 7\n"
                        "    runs-on: ubuntu-latest\n    steps:\n      - run: python -m build\n"
                        "      - uses: pypa/gh-action-pypi-publish@release/v1\n"),
    "empty-values": ("on:\n  push:\n    tags:\n      - '*'\n      - '!v*rc*'\njobs:\n  p:\n    runs-on: ubuntu-latest\n"
                     "    environment: ''\n    strategy: {matrix: {py: [1]}}\n    steps:\n"
                     "      - uses: actions/checkout@v4\n        with:\n"
                     "      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n"),
    "flow-style": ("on: push\njobs: {p: {runs-on: ubuntu-latest, steps: [{uses: actions/checkout@v4}, "
                   "{run: python -m build}, {uses: pypa/gh-action-pypi-publish@master, with: {attestations: false}}]}}\n"),
    "merge-key": ("on: push\nx: &c\n  runs-on: ubuntu-latest\njobs:\n  p:\n    <<: *c\n    steps:\n"
                  "      - uses: actions/checkout@v4\n      - uses: pypa/gh-action-pypi-publish@master\n"),
}
FIXERS = ["fix_id_token.py", "fix_action_ref.py", "fix_attestations.py", "fix_tag_overlap.py",
          "harden_workflow.py", "publisher_values.py"]


@pytest.mark.parametrize("name", sorted(ODD_WORKFLOWS))
def test_every_fixer_survives_odd_workflows(make_repo, name):
    """Valid YAML in unusual shapes: a fix, a nothing-to-do or a one-line reason; never a traceback."""
    from wf_helpers import PYPROJECT, run_script

    repo = make_repo(files={WF: ODD_WORKFLOWS[name], "pyproject.toml": PYPROJECT})
    for script in FIXERS:
        res = run_script(script, repo.path, "--yes", *(["--offline"] if script == "publisher_values.py" else []))
        assert "Traceback" not in res.stderr, (script, res.stderr)
        assert res.returncode in (0, 1, 2), (script, res.returncode)
        # Whatever was written still reads as YAML.
        make_yaml().load((repo.path / WF).read_text())
    settled = (repo.path / WF).read_bytes()
    # A second round changes nothing: the fixers agree with each other and with themselves.
    for script in FIXERS[:-1]:
        res = run_script(script, repo.path, "--yes")
        assert "Traceback" not in res.stderr, (script, res.stderr)
        assert (repo.path / WF).read_bytes() == settled, script


_ALL_PATHS = {name: [p for _, p in _paths(name)] for name in ("seed", "release", "testpypi", "four")}


@settings(max_examples=60, deadline=None)  # each example renders a whole workflow; 60 cover the files well
@given(data=st.data(), name=st.sampled_from(sorted(_ALL_PATHS)))
def test_changing_several_scalars_changes_exactly_their_lines(tmp_path_factory, data, name):
    paths = data.draw(st.lists(st.sampled_from(_ALL_PATHS[name]), min_size=1, max_size=5, unique=True))
    we = editor(tmp_path_factory.mktemp("w"), SAMPLES[name])
    lines = set()
    for n, path in enumerate(paths):
        node = we.data
        for key in path[:-1]:
            node = node[key]
        lines.add(we.workflow.line(node, path[-1]))
        node[path[-1]] = f"CHANGED{n}"
    new = we.render()
    old_lines, new_lines = we.old.splitlines(keepends=True), new.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    differing = {i + 1 for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b}
    assert differing == lines
    assert plain(make_yaml().load(new)) == plain(we.data)
