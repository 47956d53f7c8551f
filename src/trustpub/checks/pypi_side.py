"""TP7xx: what PyPI says."""

from __future__ import annotations

from trustpub.checks.base import Context, Outcome, _join, check, failed, passed, skipped


# ---------------------------------------------------------------------------
# TP7xx: PyPI
# ---------------------------------------------------------------------------
@check("TP701", "project-exists", "Project exists on PyPI",
       "The project is on the index; if not, this is the pending-publisher case: the publisher is added on the "
       "account's publishing page and the first trusted upload creates the project.",
       fix_script="publisher_values.py", online=True)
def project_exists(ctx: Context) -> Outcome:
    fetched = ctx.pypi_project()
    s = ctx.subject
    if fetched.not_found:
        return failed(f"{s.project} is not on {s.index_name}: add a pending publisher at {s.pending_publisher_url} "
                      f"(it passes after the first trusted upload)")
    if not fetched.ok:
        return skipped(f"{s.index_name} did not answer: {fetched.error}")
    info = fetched.data.get("info") if isinstance(fetched.data.get("info"), dict) else {}
    return passed(f"{s.project_url} (latest {info.get('version', '?')})")


def _latest_files(data: dict) -> tuple[str | None, list[str]]:
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    version = info.get("version")
    files = data.get("urls")
    releases = data.get("releases") if isinstance(data.get("releases"), dict) else {}
    if not isinstance(files, list) or not files:
        files = releases.get(version) or [] if isinstance(version, str) else []
    names = [f["filename"] for f in files if isinstance(f, dict) and isinstance(f.get("filename"), str)
             and f["filename"] and not f.get("yanked")]
    return (str(version) if version else None), names


@check("TP702", "provenance-matches-publisher", "Latest release carries provenance from this publisher",
       "Every file of the latest release has PEP 740 provenance on PyPI's Integrity API, and its publisher names "
       "the expected repository and workflow: the evidence that Trusted Publishing is configured and used.",
       fix_script="publisher_values.py", online=True)
def provenance_matches(ctx: Context) -> Outcome:
    s = ctx.subject
    project = ctx.pypi_project()
    if project.not_found:
        return skipped(f"{s.project} is not on {s.index_name} yet (see TP701)")
    if not project.ok:
        return skipped(f"{s.index_name} did not answer: {project.error}")
    version, files = _latest_files(project.data or {})
    if not version or not files:
        return skipped(f"{s.project} has no files in its latest release")
    answers = ctx.provenance(version, files)
    missing, wrong, ok, unknown = [], [], [], []
    for name, fetched in zip(files, answers):
        if fetched.not_found:
            missing.append(name)
            continue
        if not fetched.ok:
            unknown.append(f"{name}: {fetched.error}")
            continue
        bundles = fetched.data.get("attestation_bundles")
        publishers = [b["publisher"] for b in (bundles if isinstance(bundles, list) else [])
                      if isinstance(b, dict) and isinstance(b.get("publisher"), dict)]
        if not publishers:
            missing.append(name)
            continue
        names = [(str(p.get("repository", "")), str(p.get("workflow", "")), p.get("environment")) for p in publishers]
        expected = (s.slug.lower(), s.workflow)
        if any((r.lower(), w) == expected for r, w, _ in names):
            ok.append(name)
        else:
            r, w, e = names[0]
            wrong.append(f"{name}: provenance names {r} {w}" + (f" (environment {e})" if e else "")
                         + f", expected {s.slug} {s.workflow}")
    if wrong:
        return failed(_join(wrong), fix="publisher_values.py")
    if missing:
        return failed(f"{version}: no provenance for {_join(missing, 2)} (uploaded with a token, or attestations off)",
                      fix="fix_attestations.py")
    if unknown:
        return skipped(f"{s.index_name}'s Integrity API did not answer: {_join(unknown, 1)}")
    return passed(f"{version}: {len(ok)} file(s) attested by {s.slug} {s.workflow}")


