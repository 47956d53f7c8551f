"""Grant `id-token: write` only where PyPI's token is minted: the publishing job.

Fixes "Invalid or expired token" / "OIDC token retrieval failed" (the publish
job cannot get an OIDC token) and the opposite risk (every job of the workflow
can mint one). Edits the workflow round-trip: comments and formatting stay.
"""

from __future__ import annotations

import sys
from typing import Sequence

from tpkit.cli import make_parser, run
from tpkit.wfedit import (ID_TOKEN, WorkflowEdit, add_workflow_option, drop_permission,
                          eol_comment, grant_id_token, run_fixer)

DESCRIPTION = """\
Give the job that runs pypa/gh-action-pypi-publish `permissions: id-token: write`
at job level, and take id-token away from the workflow-level `permissions:` and
from every job that does not publish (their other permissions are kept). A
publishing job that had no permissions of its own keeps what it inherited
(e.g. `contents: read`) next to id-token.

exit: 0 fixed or nothing to do, 1 not applied or could not fix, 2 bad input"""

MSG_WHAT = "id-token: write is granted only to the publishing job(s)"
MSG_WORKFLOW_WRITE_ALL = ("permissions: write-all at workflow level gives every job id-token: write; "
                          "replace it with the permissions the jobs need (e.g. contents: read)")
MSG_JOB_WRITE_ALL = ("job {job}: permissions: write-all also grants id-token: write to a job that "
                     "does not publish; list only the permissions it needs")


def fix(we: WorkflowEdit, args=None) -> list[str]:
    wf, data = we.workflow, we.data
    publishing = set(wf.publishing_jobs)
    problems: list[str] = []
    top = data.get("permissions")
    # The comment that explained the workflow-level grant moves with it.
    comment = eol_comment(top, ID_TOKEN) if isinstance(top, dict) and ID_TOKEN in top else ""
    # Job-level grants first: a job without permissions copies the workflow-level ones.
    for job_id in sorted(publishing):
        problem = grant_id_token(data, wf.jobs[job_id], comment)
        if problem:
            problems.append(f"job {job_id}: {problem}")
    if data.get("permissions") == "write-all":
        problems.append(MSG_WORKFLOW_WRITE_ALL)
    drop_permission(data, ID_TOKEN)
    for job_id, job in wf.jobs.items():
        if job_id in publishing:
            continue
        if job.get("permissions") == "write-all":
            problems.append(MSG_JOB_WRITE_ALL.format(job=job_id))
        drop_permission(job, ID_TOKEN)
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser("fix_id_token.py", DESCRIPTION, subject=False)
    add_workflow_option(parser)
    args = parser.parse_args(argv)
    return run_fixer(args, fix, MSG_WHAT)


if __name__ == "__main__":
    run(main)
