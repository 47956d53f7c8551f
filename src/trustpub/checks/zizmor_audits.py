"""TP3xx: zizmor's findings, grouped by audit."""

from __future__ import annotations

from pathlib import Path

from trustpub.checks.base import (
    Context, Outcome, Result, ZIZMOR_FAILING, _join, check, get_check, passed, skipped, warned,
)


# ---------------------------------------------------------------------------
# TP3xx: zizmor
# ---------------------------------------------------------------------------
MSG_NOT_UPLOAD = " (not in a workflow that uploads: reported, fails only with --strict)"


def _relative(ctx: Context, message: str) -> str:
    """`/abs/repo/.github/workflows/x.yml: why` -> `.github/workflows/x.yml: why`."""
    return message.replace(str(ctx.repo.root) + "/", "")


def _finding_where(ctx: Context, finding: dict) -> str:
    for loc in finding.get("locations") or []:
        symbolic = loc.get("symbolic") or {}
        key = (symbolic.get("key") or {}).get("Local") or {}
        path = key.get("given_path") or key.get("verbatim_path") or ""
        row = (((loc.get("concrete") or {}).get("location") or {}).get("start_point") or {}).get("row")
        if path:
            try:
                rel = Path(path).resolve().relative_to(ctx.repo.root).as_posix()
            except ValueError:
                rel = path
            where = f"{rel}:{row + 1}" if isinstance(row, int) else rel
            note = symbolic.get("annotation")
            return f"{where} ({note})" if note else where
    return "(no location)"


@check("TP301", "zizmor", "zizmor finds nothing in the workflows",
       "`zizmor --offline` audits every workflow for general GitHub Actions risks (unpinned actions, "
       "credential persistence, template injection, excessive permissions, ...); each audit with findings is "
       "its own result: high or medium severity in a workflow that uploads fails (anywhere, with `--strict`); the "
       "rest warns.",
       doc="https://docs.zizmor.sh/audits/")
def zizmor_check(ctx: Context) -> Outcome | list[Result]:
    if not ctx.workflows:  # parsed first: a broken workflow is bad input before zizmor's opinion
        return skipped("no workflow files")
    findings = ctx.zizmor_findings()
    if findings is None:
        return warned("zizmor is not installed (pip install zizmor); general Actions audits were not run",
                      fix="https://docs.zizmor.sh/installation/")
    if isinstance(findings, str):
        return warned(_relative(ctx, findings))
    by_audit: dict[str, list[dict]] = {}
    for f in findings:
        if isinstance(f, dict) and not f.get("ignored"):
            by_audit.setdefault(str(f.get("ident", "unknown")), []).append(f)
    n_files = len(ctx.repo.workflow_paths())
    base = get_check("TP301")
    not_audited = [_relative(ctx, x) for x in (ctx._zizmor.not_audited if ctx._zizmor else [])]
    if not by_audit:
        if not_audited:
            return warned(f"zizmor could not audit {_join(not_audited, 2)} (GitHub rejects a workflow that does "
                          f"not match its schema)")
        return passed(f"zizmor --offline: no findings in {n_files} workflow file(s)")
    results = []
    upload_files = set(ctx.model.upload_workflows)
    if not_audited:
        results.append(Result(base.id, base.slug, base.title, base.group, "warn",
                              f"zizmor could not audit {_join(not_audited, 2)}", base.fix))
    for audit, items in sorted(by_audit.items()):
        severities = [str((f.get("determinations") or {}).get("severity", "unknown")).lower() for f in items]
        worst = max(severities, key=lambda s: ["unknown", "informational", "low", "medium", "high"].index(s)
                    if s in ("unknown", "informational", "low", "medium", "high") else 0)
        wheres = list(dict.fromkeys(_finding_where(ctx, f) for f in items))
        serious = [f for f, sev in zip(items, severities) if sev in ZIZMOR_FAILING]
        # Findings in workflows that do not upload are reported; they fail only with --strict.
        in_upload = [f for f in serious if _finding_where(ctx, f).split(":", 1)[0].split(" ", 1)[0] in upload_files]
        status = "fail" if (in_upload or (serious and ctx.strict)) else "warn"
        note = "" if status == "fail" or not serious else MSG_NOT_UPLOAD
        evidence = f"{len(items)} finding(s), worst severity {worst}: {_join(wheres, 2)}{note}"
        results.append(Result(f"{base.id}.{audit}", f"{base.slug}/{audit}",
                              f"zizmor {audit}: {items[0].get('desc', audit)}", base.group, status, evidence,
                              items[0].get("url") or f"https://docs.zizmor.sh/audits/#{audit}"))
    return results


