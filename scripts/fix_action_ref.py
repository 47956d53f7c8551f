"""Point `pypa/gh-action-pypi-publish` at `release/v1` when it names an old or moving ref.

`master`, old `v1.x` tags and short SHAs predate Trusted Publishing or
attestations (or are not real pins); `release/v1` is the maintained v1 line.
A full 40-character SHA pin is the user's deliberate choice and is kept.
"""

from __future__ import annotations

import re
from typing import Sequence

from tpkit.cli import make_parser, run
from tpkit.pins import is_full_sha
from tpkit.repo import PUBLISH_ACTION
from tpkit.wfedit import WorkflowEdit, add_workflow_option, eol_comment, run_fixer, set_eol_comment

TARGET_REF = "release/v1"

DESCRIPTION = f"""\
Move every `uses: {PUBLISH_ACTION}@<ref>` whose ref is `master`, an old tag
(e.g. v1.4.2) or a short SHA to `@{TARGET_REF}`, the maintained branch of the v1
line (Trusted Publishing and attestations included). A version comment that
described the old ref is dropped. A full 40-character SHA pin (with its
`# v1.x.y` comment) is kept as it is: Dependabot keeps such pins current.

exit: 0 fixed or nothing to do, 1 not applied, 2 bad input"""

MSG_WHAT = f"{PUBLISH_ACTION} is on {TARGET_REF} or pinned to a full SHA"

# A trailing comment that only names a version (`# v1.4.2`) would now be wrong.
_VERSION_COMMENT_RE = re.compile(r"^#\s*v?\d+(\.\d+)*\s*$")


def ref_is_fine(ref: str) -> bool:
    return ref == TARGET_REF or is_full_sha(ref)


def fix(we: WorkflowEdit, args=None) -> list[str]:
    for ps in we.workflow.publish_steps:
        if ref_is_fine(ps.ref):
            continue
        step = ps.step
        step["uses"] = f"{PUBLISH_ACTION}@{TARGET_REF}"
        if _VERSION_COMMENT_RE.match(eol_comment(step, "uses")):
            set_eol_comment(step, "uses", "")
    return []


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("fix_action_ref.py", DESCRIPTION, subject=False)
    add_workflow_option(parser)
    args = parser.parse_args(argv)
    return run_fixer(args, fix, MSG_WHAT)


if __name__ == "__main__":
    run(main)
