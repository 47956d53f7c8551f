"""Narrow the PyPI workflow's tag trigger so pre-release and test tags only reach TestPyPI.

A `v*` trigger also fires for v1.2.3rc1 or v1.2.3-test1: the same tag then
publishes to PyPI as well as TestPyPI (or a test tag lands on PyPI for good).
"""

from __future__ import annotations

from typing import Sequence

from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from trustpub.checks import TagTrigger, first_overlap, tag_trigger
from trustpub.cli import make_parser, run
from trustpub.repo import Repo, Workflow
from trustpub.wfedit import WorkflowEdit, add_workflow_option, insert_item, remove_item, replace_value, run_fixer

FINAL_PATTERN = "v[0-9]+.[0-9]+.[0-9]+"
FINAL_PATTERN_NO_V = "[0-9]+.[0-9]+.[0-9]+"
# Tags that must never trigger the PyPI workflow (PEP 440 pre-releases, dev releases, the guide's test tags).
PRE_RELEASE_TAGS = [
    "v1.2.3a1", "v1.2.3b1", "v1.2.3rc1", "v1.2.3.dev1", "v1.2.3-test1", "v1.2.3-rc.1", "v1.2.3-beta.1",
    "1.2.3a1", "1.2.3b1", "1.2.3rc1", "1.2.3.dev1", "1.2.3-test1",
]

DESCRIPTION = f"""\
In each workflow that publishes to PyPI (not TestPyPI), replace every
`on.push.tags` pattern that also matches a pre-release or test tag (e.g. `v*`
matches v1.2.3rc1 and v1.2.3-test1) with `{FINAL_PATTERN}` (or
`{FINAL_PATTERN_NO_V}` for tags without a v), so only final releases reach PyPI
and pre-releases go to the TestPyPI workflow alone. Comments and quoting stay.

exit: 0 fixed or nothing to do, 1 not applied or could not fix, 2 bad input"""

MSG_WHAT = "the PyPI workflow's tag trigger matches no pre-release or test tag"
MSG_BOTH_INDEXES = ("publishes to both PyPI and TestPyPI from one workflow: narrowing its trigger would "
                    "stop the TestPyPI uploads; split it into two workflows (see the guide's workflow page)")
MSG_TAGS_IGNORE = "on.push.tags-ignore: replace it with a `tags:` list naming final releases ({pattern})"
MSG_STILL = "on.push.tags still matches {tag}; change the patterns by hand"
MSG_TEST_TOO_WIDE = ("{other} (TestPyPI) also runs for the final tag {tag}; narrow its on.push.tags to "
                     "pre-release patterns (see the guide's workflow page)")


def tag_triggers(wf: Workflow, patterns: list[str], tag: str) -> bool:
    """Whether `tag` starts a workflow whose on.push.tags are `patterns` (the checklist's reading)."""
    return TagTrigger(wf, [(p, 0) for p in patterns], []).matches(tag)


def publishes_to_pypi(wf) -> bool:
    return any(s.target_index == "pypi" for s in wf.publish_steps)


def _like(old, new: str):
    """`new` with the quoting of `old`."""
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(new)
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(new)
    return new


def narrowed(wf: Workflow, pattern: str) -> list[str]:
    """What a too-wide positive pattern becomes."""
    out = []
    if tag_triggers(wf, [pattern], "v1.2.3"):
        out.append(FINAL_PATTERN)
    if tag_triggers(wf, [pattern], "1.2.3"):
        out.append(FINAL_PATTERN_NO_V)
    return out or [FINAL_PATTERN]


def testpypi_triggers(repo: Repo, wf: Workflow) -> list[TagTrigger]:
    found = []
    for other in repo.workflows:
        if other.filename != wf.filename and any(s.target_index == "testpypi" for s in other.publish_steps):
            trigger = tag_trigger(other)
            if trigger is not None:
                found.append(trigger)
    return found


def fix(we: WorkflowEdit, args=None) -> list[str]:
    wf, data = we.workflow, we.data
    others = testpypi_triggers(Repo.open(args.repo), wf) if args is not None else []
    # Tags that must stay off PyPI: typical pre-release/test tags and what the TestPyPI workflows take.
    # (A final tag the TestPyPI workflow also takes is that workflow's problem: reported below.)
    finals = [FINAL_PATTERN, FINAL_PATTERN_NO_V]
    taken = [t for tr in others for t in tr.examples() if tr.matches(t) and not tag_triggers(wf, finals, t)]
    unwanted = list(dict.fromkeys(PRE_RELEASE_TAGS + taken))
    if any(s.target_index == "testpypi" for s in wf.publish_steps):
        return [MSG_BOTH_INDEXES]
    on_key = "on" if "on" in data else (True if True in data else None)
    push = data.get(on_key) if on_key is not None else None
    push = push.get("push") if isinstance(push, dict) else None
    if not isinstance(push, dict):
        return []  # not triggered by tags (e.g. on: release): no overlap possible
    if "tags" not in push:
        return [MSG_TAGS_IGNORE.format(pattern=FINAL_PATTERN)] if "tags-ignore" in push else []
    tags = push["tags"]
    patterns = [str(tags)] if isinstance(tags, str) else [str(t) for t in tags or []]
    if any(tag_triggers(wf, patterns, t) for t in unwanted):
        narrow(wf, push, unwanted)
    problems = []
    patterns = [str(push["tags"])] if isinstance(push["tags"], str) else [str(t) for t in push["tags"]]
    left = [t for t in unwanted if tag_triggers(wf, patterns, t)]
    if left:
        problems.append(MSG_STILL.format(tag=left[0]))
    mine = tag_trigger(wf)
    for other in others:
        tag = first_overlap(mine, other) if mine is not None else None
        if tag:
            problems.append(MSG_TEST_TOO_WIDE.format(other=other.workflow.relpath, tag=tag))
    return problems


def narrow(wf: Workflow, push, unwanted: list[str]) -> None:
    """Replace each positive pattern that lets an unwanted tag in by the final-release pattern(s)."""
    tags = push["tags"]
    if isinstance(tags, str):
        new = narrowed(wf, tags)
        value = _like(tags, new[0]) if len(new) == 1 else CommentedSeq(_like(tags, p) for p in new)
        replace_value(push, "tags", value)  # blank lines after it stay after it
    else:
        i = 0
        while i < len(tags):
            p = str(tags[i])
            if not p.startswith("!") and any(tag_triggers(wf, [p], t) for t in unwanted):
                new = [n for n in narrowed(wf, p) if n not in (str(x) for x in tags)]
                if not new:
                    remove_item(tags, i)
                    continue
                tags[i] = _like(tags[i], new[0])
                for extra in new[1:]:
                    i += 1
                    insert_item(tags, i, _like(tags[i - 1], extra))
            i += 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("fix_tag_overlap.py", DESCRIPTION, subject=False)
    add_workflow_option(parser)
    args = parser.parse_args(argv)
    return run_fixer(args, fix, MSG_WHAT, wanted=publishes_to_pypi)


if __name__ == "__main__":  # python -m trustpub.commands.fix_tag_overlap
    run(main)
