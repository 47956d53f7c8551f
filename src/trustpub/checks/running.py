"""Running the registry against a repository."""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping
from trustpub.config import Subject
from trustpub.repo import Repo
from trustpub.secrets import redact_text

from trustpub.checks.base import CHECKS, Check, Context, MSG_OFFLINE, Result, STATUSES, get_check


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------
def select_checks(only: Iterable[str] | None) -> list[Check]:
    if only is None:
        return list(CHECKS)
    wanted = {get_check(name).id for name in only}
    return [c for c in CHECKS if c.id in wanted]


def run_checks(repo: Repo, subject: Subject, *, offline: bool = True, only: Iterable[str] | None = None,
               pypirc: str | os.PathLike | None = None, env: Mapping[str, str] | None = None,
               transport: Any = None, budget: float | None = None, sources: Mapping[str, str] | None = None,
               strict: bool = False, context: list | None = None, package: Any = None) -> list[Result]:
    """Run the selected checks (all by default) and return their results in registry order.

    `sources` says where each subject value came from (see `cli.resolve_subject`); only values a person gave
    are compared with the repository. None: every value of `subject` counts as given. `strict`: zizmor's
    findings in workflows that do not upload fail too. `context`, a list, receives the run's Context (its
    publishing model is what the checklist prints first)."""
    checks = select_checks(only)
    ctx = Context(repo, subject, offline=offline, pypirc=pypirc, env=os.environ if env is None else env,
                  transport=transport, budget=budget, sources=sources, strict=strict, package=package)
    ctx.prefetch_provenance = not offline and any(c.id == "TP702" for c in checks)
    if context is not None:
        context.append(ctx)
    if any(c.id == "TP301" for c in checks) and repo.workflow_paths():
        ctx.start_zizmor()
    results: list[Result] = []
    try:
        for c in checks:
            if c.online and offline:
                results.append(Result(c.id, c.slug, c.title, c.group, "skip", MSG_OFFLINE, c.fix))
                continue
            outcome = c.func(ctx)
            if isinstance(outcome, list):
                results += outcome
                continue
            assert outcome.status in STATUSES, outcome
            results.append(Result(c.id, c.slug, c.title, c.group, outcome.status,
                                  redact_text(outcome.evidence), outcome.fix or c.fix,
                                  [redact_text(i) for i in outcome.items] if outcome.items is not None else None))
    finally:
        ctx.close()
    return results


def summarize(results: Iterable[Result]) -> dict[str, int]:
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r.status] += 1
    return counts


def exit_code(results: Iterable[Result]) -> int:
    return 1 if any(r.failed for r in results) else 0
