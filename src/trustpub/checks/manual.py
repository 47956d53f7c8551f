"""TP9xx: manual items (the seed's security checklist)."""

from __future__ import annotations

from trustpub.checks.base import Context, Outcome, check


# ---------------------------------------------------------------------------
# TP9xx: manual items (the seed's security checklist)
# ---------------------------------------------------------------------------
@check("TP901", "old-token-revoked", "Old API token revoked on PyPI",
       "The API token used before Trusted Publishing is removed on PyPI's token page (a revoked token cannot "
       "upload even if a copy leaked).",
       doc="tokens.md#revoke", manual=True)
def old_token_revoked(ctx: Context) -> Outcome:
    return Outcome("manual", f"confirm on {ctx.subject.token_url} that no token for {ctx.subject.project} is left")


@check("TP902", "github-secret-removed", "Token secret removed from GitHub",
       "No `PYPI_API_TOKEN`-style secret is left in the repository's Actions secrets.",
       doc="tokens.md#github-secret", manual=True)
def github_secret_removed(ctx: Context) -> Outcome:
    return Outcome("manual", f"confirm on {ctx.subject.secrets_url} that no PyPI token secret is left")


@check("TP903", "2fa-enabled", "Two-factor authentication enabled on PyPI",
       "Every maintainer account of the project has two-factor authentication enabled.",
       doc="2fa.md#enable-2fa", manual=True)
def two_factor_enabled(ctx: Context) -> Outcome:
    return Outcome("manual", f"confirm on {ctx.subject.two_factor_url} (PyPI requires 2FA for uploads)")


@check("TP904", "recovery-codes-saved", "Recovery codes saved",
       "The account's two-factor recovery codes are generated and stored somewhere safe, off the machine.",
       doc="2fa.md#recovery-codes", manual=True)
def recovery_codes_saved(ctx: Context) -> Outcome:
    return Outcome("manual", f"confirm on {ctx.subject.recovery_codes_url}")


@check("TP905", "actions-permissions-reviewed", "GitHub Actions permissions reviewed",
       "The repository's Actions settings keep the default GITHUB_TOKEN read-only and the publishing "
       "environment has protection rules (e.g. required reviewers).",
       doc="workflow.md#key-lines", manual=True)
def actions_permissions_reviewed(ctx: Context) -> Outcome:
    return Outcome("manual", f"review {ctx.subject.actions_settings_url} and {ctx.subject.environments_url}")


