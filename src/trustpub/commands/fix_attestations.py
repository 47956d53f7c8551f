"""Make sure the publish step does not switch off PEP 740 attestations.

pypa/gh-action-pypi-publish signs and uploads attestations by default (v1.11+)
when it publishes with Trusted Publishing; `attestations: false` turns that off.
"""

from __future__ import annotations

from typing import Sequence

from trustpub.cli import make_parser, run
from trustpub.wfedit import WorkflowEdit, add_workflow_option, remove_key, run_fixer

DESCRIPTION = """\
Remove `attestations: false` from the `with:` of every pypa/gh-action-pypi-publish
step (and the `with:` itself when nothing else is left in it), so the action's
default applies: each distribution gets a signed PEP 740 attestation that PyPI
shows next to the file. A value given as an expression (${{ ... }}) is reported,
not changed.

exit: 0 fixed or nothing to do, 1 not applied or could not fix, 2 bad input"""

MSG_WHAT = "no publish step switches attestations off"
MSG_EXPRESSION = ("job {job}: attestations: {value} is decided at run time; "
                  "remove it so attestations are always on")

_OFF = {"false", "no", "off", "0"}


def fix(we: WorkflowEdit, args=None) -> list[str]:
    problems: list[str] = []
    for ps in we.workflow.publish_steps:
        inputs = ps.step.get("with")
        if not isinstance(inputs, dict) or "attestations" not in inputs:
            continue
        value = inputs["attestations"]
        text = str(value).strip().lower()
        if value is True or text in ("true", "yes", "on", "1"):
            continue
        if value is False or text in _OFF:
            if len(inputs) == 1:
                remove_key(ps.step, "with")
            else:
                remove_key(inputs, "attestations")
        else:
            problems.append(MSG_EXPRESSION.format(job=ps.job_id, value=value))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("fix_attestations.py", DESCRIPTION, subject=False)
    add_workflow_option(parser)
    args = parser.parse_args(argv)
    return run_fixer(args, fix, MSG_WHAT)


if __name__ == "__main__":  # python -m trustpub.commands.fix_attestations
    run(main)
