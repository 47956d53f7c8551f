"""Grant `id-token: write` only where PyPI's token is minted: the publishing job.

Fixes "Invalid or expired token" / "OIDC token retrieval failed" (the publish
job cannot get an OIDC token) and the opposite risk (every job of the workflow
can mint one). Edits the workflow round-trip: comments and formatting stay.
"""

from __future__ import annotations

from typing import Sequence

from trustpub.cli import make_parser, run
from trustpub.wfedit import add_workflow_option, limit_id_token, run_fixer

DESCRIPTION = """\
Give the job that runs pypa/gh-action-pypi-publish `permissions: id-token: write`
at job level, and take id-token away from the workflow-level `permissions:` and
from every job that does not publish (their other permissions are kept). A
publishing job that had no permissions of its own keeps what it inherited
(e.g. `contents: read`) next to id-token.

exit: 0 fixed or nothing to do, 1 not applied or could not fix, 2 bad input"""

MSG_WHAT = "id-token: write is granted only to the publishing job(s)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("fix_id_token.py", DESCRIPTION, subject=False)
    add_workflow_option(parser)
    args = parser.parse_args(argv)
    return run_fixer(args, lambda we, _args: limit_id_token(we), MSG_WHAT)


if __name__ == "__main__":  # python -m trustpub.commands.fix_id_token
    run(main)
