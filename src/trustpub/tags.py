"""Which workflows a tag push starts, and the guide's test tags (`v1.2.3-test1`).

Tag patterns are read by the checklist's matcher (`trustpub.checks.tag_trigger`),
so the scripts and the checklist agree on what a tag starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from trustpub.errors import BadInput, CannotFix
from trustpub.repo import GIT_TIMEOUT, Repo

MSG_GIT_FAILED = "{what} ({why}); see git status, fix the cause and re-run"
MSG_REMOTE_UNREACHABLE = "cannot list the tags on origin ({why}); nothing was changed"


@dataclass(frozen=True)
class TagWorkflow:
    filename: str
    indexes: tuple[str, ...]   # where its publish steps upload: "pypi", "testpypi"


def workflows_for_tag(repo: Repo, tag: str) -> list[TagWorkflow]:
    """The workflows in .github/workflows that a push of `tag` starts."""
    from trustpub.checks import tag_trigger

    found = []
    for wf in repo.workflows:
        trigger = tag_trigger(wf)
        if trigger is not None and trigger.matches(tag):
            from trustpub.wfedit import file_model  # every upload tool, not only the pypa action

            indexes = {u.index for u in file_model(wf).uploads if u.index in ("pypi", "testpypi")}
            found.append(TagWorkflow(wf.filename, tuple(sorted(indexes))))
    return found


def is_test_tag(name: str) -> bool:
    from trustpub.checks import TEST_TAG_RE  # the checklist's definition of a test tag

    return TEST_TAG_RE.search(name) is not None


def next_test_tag(version: str, existing: Iterable[str]) -> str:
    """`v<version>-test<N>` with N one higher than any test tag of this version so far."""
    rx = re.compile(r"^v" + re.escape(version) + r"-test(\d*)$")
    numbers = [int(m.group(1) or 0) for name in existing if (m := rx.match(name))]
    return f"v{version}-test{max(numbers, default=0) + 1}"


def git_must(repo: Repo, what: str, *args: str, timeout: float = GIT_TIMEOUT) -> None:
    """A git step of a release (commit, tag, push) that must work: failing is exit 1 saying what is left."""
    res = repo.git(*args, check=False, timeout=timeout)
    if res.returncode != 0:
        lines = [line.strip() for line in res.stderr.splitlines() if line.strip()] or ["failed"]
        # The server's own words ("remote: …", "! [remote rejected] …") say more than git's summary.
        why = next((line for line in lines if line.startswith("remote:") and line != "remote:"),
                   next((line for line in lines if "rejected" in line), lines[-1]))
        raise CannotFix(MSG_GIT_FAILED.format(what=what, why=why))


def origin_tags(repo: Repo) -> list[str]:
    """Tag names on origin; an unreachable remote is exit 1 (not bad input): nothing can be pushed anyway."""
    try:
        return repo.remote_tags()
    except BadInput as exc:
        raise CannotFix(MSG_REMOTE_UNREACHABLE.format(why=str(exc).rsplit(": ", 1)[-1])) from None
