"""TP7xx: what PyPI says."""

from __future__ import annotations

from dataclasses import replace

from trustpub.config import Subject, normalize_project
from trustpub.checks.base import Context, Outcome, _join, check, failed, latest_files, passed, skipped


# ---------------------------------------------------------------------------
# TP7xx: PyPI
# ---------------------------------------------------------------------------
def _projects(ctx: Context) -> list[Subject]:
    """The subject once per released project (see `Context.released_projects`)."""
    return [replace(ctx.subject, project=name) for name in ctx.released_projects()]


def _workflow_for(ctx: Context, project: str) -> str:
    """The workflow file that uploads `project` to PyPI when the workflows show exactly one, else the subject's."""
    key = normalize_project(project)
    files = {up.relpath.rsplit("/", 1)[-1] for up in ctx.upload_links()
             if up.link.known and up.index == "pypi" and any(p.normalized == key for p in up.link.packages)}
    return files.pop() if len(files) == 1 else ctx.subject.workflow


@check("TP701", "project-exists", "Project exists on PyPI",
       "The project is on the index (every package an upload step releases, or the one of --package); if not, "
       "this is the pending-publisher case: the publisher is added on the account's publishing page and the first "
       "trusted upload creates the project.",
       fix_script="publisher_values.py", online=True)
def project_exists(ctx: Context) -> Outcome:
    found, missing, unanswered = [], [], []
    for s in _projects(ctx):
        fetched = ctx.pypi_project(s.project)
        if fetched.not_found:
            missing.append(f"{s.project} is not on {s.index_name}: add a pending publisher at "
                           f"{s.pending_publisher_url} (it passes after the first trusted upload)")
        elif not fetched.ok:
            unanswered.append(f"{s.project}: {s.index_name} did not answer: {fetched.error}")
        else:
            info = fetched.data.get("info") if isinstance(fetched.data.get("info"), dict) else {}
            found.append(f"{s.project_url} (latest {info.get('version', '?')})")
    if missing:
        return failed(_join(missing), items=missing + unanswered + found)
    if unanswered and not found:
        return skipped(_join(unanswered))
    everything = found + unanswered
    return passed(_join(everything), items=everything if len(everything) > 1 else None)


_latest_files = latest_files


@check("TP702", "provenance-matches-publisher", "Latest release carries provenance from this publisher",
       "Every file of the latest release has PEP 740 provenance on PyPI's Integrity API, and its publisher names "
       "the expected repository and workflow: the evidence that Trusted Publishing is configured and used. "
       "An answer that did not come from the Integrity API (an empty or non-JSON 404: a proxy or mirror) is "
       "skipped with the reason, never read as 'no provenance'.",
       fix_script="publisher_values.py", online=True)
def provenance_matches(ctx: Context) -> Outcome:
    from trustpub import pypi

    wanted: list[tuple[Subject, str, str]] = []
    skips: list[str] = []
    for s in _projects(ctx):
        project = ctx.pypi_project(s.project)
        if project.not_found:
            skips.append(f"{s.project} is not on {s.index_name} yet (see TP701)")
        elif not project.ok:
            skips.append(f"{s.project}: {s.index_name} did not answer: {project.error}")
        else:
            version, files = _latest_files(project.data or {})
            if not version or not files:
                skips.append(f"{s.project} has no files in its latest release")
            wanted += [(s, version, name) for name in files] if version else []
    if not wanted:
        return skipped(_join(skips) or "no project to ask about")
    # Every file of every project in one concurrent round, under the run's one budget.
    answers = ctx.provenance_many([(s.project, v, f) for s, v, f in wanted])
    missing, wrong, ok, unknown, silent = [], [], [], [], []
    for (s, version, name), fetched in zip(wanted, answers):
        kind, detail = pypi.provenance_answer(fetched)
        if kind == pypi.PROVENANCE_NONE:
            missing.append(f"{s.project} {version}: no provenance for {name} (PyPI: {detail})")
            continue
        if kind == pypi.PROVENANCE_NOT_INTEGRITY:
            unknown.append(f"{name}: {detail}")
            continue
        if kind == pypi.PROVENANCE_NO_ANSWER:
            silent.append(f"{name}: {detail}")
            continue
        bundles = fetched.data.get("attestation_bundles")
        publishers = [b["publisher"] for b in bundles if isinstance(b, dict) and isinstance(b.get("publisher"), dict)]
        if not publishers:
            missing.append(f"{s.project} {version}: no provenance for {name} (no publisher in its provenance)")
            continue
        names = [(str(p.get("repository", "")), str(p.get("workflow", "")), p.get("environment")) for p in publishers]
        workflow = _workflow_for(ctx, s.project)
        if any((r.lower(), w) == (s.slug.lower(), workflow) for r, w, _ in names):
            ok.append(f"{s.project} {version}: {name}")
        else:
            r, w, e = names[0]
            wrong.append(f"{name}: provenance names {r} {w}" + (f" (environment {e})" if e else "")
                         + f", expected {s.slug} {workflow}")
    if wrong:
        return failed(_join(wrong), fix="publisher_values.py", items=wrong + missing + unknown + silent)
    if missing:
        return failed(f"{_join(missing, 2)}; uploaded with a token, or attestations off",
                      fix="fix_attestations.py", items=missing + unknown + silent)
    if unknown or silent:
        said = ([f"the answers did not come from {ctx.subject.index_name}'s Integrity API: {_join(unknown, 1)}"]
                if unknown else []) + \
               ([f"{ctx.subject.index_name}'s Integrity API did not answer: {_join(silent, 1)}"] if silent else [])
        return skipped("; ".join(said), items=unknown + silent)
    workflows = sorted({_workflow_for(ctx, s.project) for s, _, _ in wanted})
    return passed(f"{len(ok)} file(s) attested by {ctx.subject.slug} {', '.join(workflows)}: {_join(ok, 2)}",
                  items=ok)
