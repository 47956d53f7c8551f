"""Point `pypa/gh-action-pypi-publish` at `release/v1` when it names an old or moving ref.

`master`, old `v1.x` tags and short SHAs predate Trusted Publishing or
attestations (or are not real pins); `release/v1` is the maintained v1 line.
A full 40-character SHA pin is the user's deliberate choice and is kept
(re-pinned to a confirmed newer SHA only when its comment names a version
older than v1.11, which has no attestations). A SHA pin without a version
comment gets one when the SHA is a confirmed release; an unknown SHA is left
as it is, with a note (we never guess which version a SHA is).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from trustpub.cli import info, make_parser, run
from trustpub.checks import MIN_ACTION_VERSION
from trustpub.pins import PINS, is_full_sha
from trustpub.repo import PUBLISH_ACTION
from trustpub.wfedit import WorkflowEdit, add_workflow_option, eol_comment, run_fixer, set_eol_comment

TARGET_REF = "release/v1"

DESCRIPTION = f"""\
Move every `uses: {PUBLISH_ACTION}@<ref>` whose ref is
`master`, an old tag (e.g. v1.4.2) or a short SHA to `@{TARGET_REF}`, the
maintained branch of the v1 line (Trusted Publishing and attestations
included). A version comment that described the old ref is dropped. A full
40-character SHA pin (with its `# v1.x.y` comment) is kept as it is:
Dependabot keeps such pins current. Only a SHA pin whose comment names a
version older than v1.11 (no attestations), or one whose twine cannot read the
metadata the repository's build backend writes (hatchling >= 1.32 writes 2.5,
read from v1.14.2 on: check TP114), is moved to the confirmed pin of
{PINS[PUBLISH_ACTION][0].version}, still as a SHA pin. A SHA pin with no comment
gets its version comment (`# v1.x.y`) when the SHA is a confirmed release.

exit: 0 fixed or nothing to do, 1 not applied, 2 bad input"""

MSG_WHAT = f"{PUBLISH_ACTION} is on {TARGET_REF} or pinned to a full SHA"
MSG_UNKNOWN_SHA = ("{where}: {action}@{sha} is not a release this script knows, so it cannot say which version "
                   "it is: add its version as a comment (`# v1.x.y`) yourself")

# A trailing comment that only names a version (`# v1.4.2`) would now be wrong.
_VERSION_COMMENT_RE = re.compile(r"^#\s*v?\d+(\.\d+)*\s*$")
_COMMENT_VERSION_RE = re.compile(r"^#\s*v?(\d+)\.(\d+)(?:\.(\d+))?\b")


def pinned_version(comment: str) -> tuple[int, int, int] | None:
    m = _COMMENT_VERSION_RE.match(comment)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)) if m else None


def _too_old_for_the_build(we: WorkflowEdit, version: tuple[int, int, int]) -> bool:
    """The pinned release's twine cannot read the metadata the repository's build backend writes (TP114)."""
    from packaging.version import Version

    from trustpub.checks.publish_twine import required_action_version

    path = str(we.path)
    root = Path(path[: -len(we.relpath)]) if path.endswith(we.relpath) else we.path.parent.parent.parent
    needed = required_action_version(root)
    return needed is not None and Version(".".join(map(str, version))) < needed


def fix(we: WorkflowEdit, args=None) -> list[str]:
    for ps in we.workflow.publish_steps:
        step = ps.step
        if ps.ref == TARGET_REF:
            continue
        if is_full_sha(ps.ref):
            comment = eol_comment(step, "uses")
            if not comment.strip("# \t"):  # no comment: name the version, when the SHA is a known release
                known = next((pin for pin in PINS[PUBLISH_ACTION] if pin.sha == ps.ref), None)
                if known is not None:
                    set_eol_comment(step, "uses", known.comment, gap=1)
                else:
                    info(MSG_UNKNOWN_SHA.format(where=we.relpath, action=PUBLISH_ACTION, sha=ps.ref))
                continue
            version = pinned_version(comment)
            if version is not None and (version < MIN_ACTION_VERSION or _too_old_for_the_build(we, version)):
                pin = PINS[PUBLISH_ACTION][0]
                step["uses"] = pin.uses
                set_eol_comment(step, "uses", pin.comment, gap=1)
            continue
        step["uses"] = f"{PUBLISH_ACTION}@{TARGET_REF}"
        if _VERSION_COMMENT_RE.match(eol_comment(step, "uses")):
            set_eol_comment(step, "uses", "")
    return []


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("fix_action_ref.py", DESCRIPTION, subject=False)
    add_workflow_option(parser)
    args = parser.parse_args(argv)
    return run_fixer(args, fix, MSG_WHAT)


if __name__ == "__main__":  # python -m trustpub.commands.fix_action_ref
    run(main)
