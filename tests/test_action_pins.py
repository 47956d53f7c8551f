"""macros/action_pins.py: the versions the pages name come from the workflows' `uses:` lines."""

from __future__ import annotations

import pytest

from macros.action_pins import PinError, pin_for, pins_in_text, pins_table, with_pins_of, workflow_pins

SHA_A = "a" * 40
SHA_B = "b" * 40


def write_workflow(root, name, text):
    path = root / ".github" / "workflows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


RELEASE = f"""\
jobs:
  build:
    steps:
      - uses: actions/checkout@{SHA_A} # v5.0.0
      - name: not a pin
        uses: actions/setup-python@v6
  publish:
    steps:
      - name: Publish
        uses: pypa/gh-action-pypi-publish@{SHA_B} # v1.14.0
"""


def test_pins_are_the_sha_lines_with_a_version_comment():
    pins = pins_in_text(RELEASE, "release.yml")
    assert [(p.action, p.sha, p.version, p.line) for p in pins] == [
        ("actions/checkout", SHA_A, "v5.0.0", 4), ("pypa/gh-action-pypi-publish", SHA_B, "v1.14.0", 10)]


def test_a_pin_bump_in_the_workflow_is_what_the_macro_returns(tmp_path):
    write_workflow(tmp_path, "release.yml", RELEASE)
    assert pin_for("pypa/gh-action-pypi-publish", tmp_path).version == "v1.14.0"
    write_workflow(tmp_path, "release.yml", RELEASE.replace("v1.14.0", "v1.15.0"))
    assert pin_for("pypa/gh-action-pypi-publish", tmp_path).version == "v1.15.0"


def test_an_action_the_workflow_does_not_pin_fails_with_one_line_naming_the_pinned_ones(tmp_path):
    write_workflow(tmp_path, "release.yml", RELEASE)
    with pytest.raises(PinError) as err:
        pin_for("actions/setup-python", tmp_path)  # used, but not pinned to a SHA
    msg = str(err.value)
    assert "\n" not in msg and "actions/setup-python" in msg and "pypa/gh-action-pypi-publish" in msg


def test_two_different_pins_of_one_action_in_one_workflow_fail(tmp_path):
    write_workflow(tmp_path, "release.yml", RELEASE + f"      - uses: actions/checkout@{SHA_B} # v4.2.2\n")
    with pytest.raises(PinError, match="different versions"):
        pin_for("actions/checkout", tmp_path)


def test_release_url_is_the_actions_own_release_page():
    pin = pins_in_text(f"  - uses: github/codeql-action/init@{SHA_A} # v3.1.0\n", "x.yml")[0]
    assert pin.action == "github/codeql-action/init"
    assert pin.release_url == "https://github.com/github/codeql-action/releases/tag/v3.1.0"


def test_table_lists_each_pin_once_with_the_files_using_it(tmp_path):
    write_workflow(tmp_path, "release.yml", RELEASE)
    write_workflow(tmp_path, "testpypi.yml", f"      - uses: actions/checkout@{SHA_A} # v5.0.0\n")
    write_workflow(tmp_path, "docs.yml", f"      - uses: actions/deploy-pages@{SHA_A} # v4.0.5\n")
    table = pins_table(tmp_path, {"actions/checkout": "a note"})
    rows = [r for r in table.splitlines() if r.startswith("| `")]
    assert len(rows) == 2  # checkout (both files) and the publish action; not the docs workflow's
    assert "`release.yml`, `testpypi.yml`" in rows[0] and "a note" in rows[0]
    assert "[v1.14.0](https://github.com/pypa/gh-action-pypi-publish/releases/tag/v1.14.0)" in rows[1]


def test_every_workflow_is_read_when_no_file_is_named(tmp_path):
    write_workflow(tmp_path, "release.yml", RELEASE)
    write_workflow(tmp_path, "docs.yml", f"      - uses: actions/deploy-pages@{SHA_A} # v4.0.5\n")
    assert {p.action for p in workflow_pins(tmp_path)} == {"actions/checkout", "pypa/gh-action-pypi-publish",
                                                           "actions/deploy-pages"}


def test_an_example_is_shown_with_the_release_pins_and_nothing_else_changes():
    release = pins_in_text(RELEASE.replace("v1.14.0", "v1.15.0").replace(SHA_B, "c" * 40), "release.yml")
    example = (f"  - uses: pypa/gh-action-pypi-publish@{SHA_B} # v1.14.0\r\n"
               f"  - uses: actions/cache@{SHA_A} # v4.0.0\n"
               "  - run: echo pypa/gh-action-pypi-publish@v1\n")
    shown = with_pins_of(example, release)
    assert shown == (f"  - uses: pypa/gh-action-pypi-publish@{'c' * 40} # v1.15.0\r\n"
                     f"  - uses: actions/cache@{SHA_A} # v4.0.0\n"  # release.yml does not pin it: kept
                     "  - run: echo pypa/gh-action-pypi-publish@v1\n")
