"""TP6xx: local credentials."""

from __future__ import annotations

from pathlib import Path
from trustpub.repo import read_text
from trustpub.secrets import TOKEN_RE, redact

from trustpub.checks.base import Context, Outcome, TOKEN_ENV_VARS, _join, check, failed, passed


# ---------------------------------------------------------------------------
# TP6xx: local credentials
# ---------------------------------------------------------------------------
def pypirc_path(ctx: Context) -> tuple[Path, bool]:
    """The .pypirc to read (--pypirc, else $PYPIRC, else ~/.pypirc) and whether it was named explicitly."""
    if ctx.pypirc is not None:
        return ctx.pypirc, True
    if ctx.env.get("PYPIRC"):
        return Path(ctx.env["PYPIRC"]).expanduser(), True
    home = ctx.env.get("HOME") or ctx.env.get("USERPROFILE")
    return (Path(home) if home else Path.home()) / ".pypirc", False


@check("TP601", "no-token-in-pypirc", "No API token in .pypirc",
       "`~/.pypirc` (or `$PYPIRC`, or `--pypirc`) holds no PyPI or TestPyPI API token (`pypi-…`).",
       fix_script="scrub_pypirc.py")
def no_token_in_pypirc(ctx: Context) -> Outcome:
    path, explicit = pypirc_path(ctx)
    label = str(path)
    if not path.exists() and not path.is_symlink():
        if explicit:  # a path the user named and that is not there is a typo, not a clean machine
            read_text(path, label)  # the one-line "no such file" error
        return passed(f"{label}: no such file")
    from trustpub.pypirc import read_pypirc, token_line  # the one .pypirc reader, shared with scrub_pypirc.py

    pypirc = read_pypirc(path)
    found = [f"{label}:{f.line}: [{f.section or '(top)'}] " + (f"{f.key} = " if f.key else "# ")
             + f.redacted for f in pypirc.findings]
    if not found and pypirc.has_token:  # a token where no option or comment is (scrub_pypirc.py reports it too)
        found = [f"{label}:{token_line(pypirc.text)}: {redact(TOKEN_RE.search(pypirc.text).group(0))}"]
    if found:
        return failed(_join(found))
    return passed(f"{label}: no pypi- token ({len(pypirc.sections())} section(s))")


@check("TP602", "no-token-in-env", "No API token in the environment",
       "`TWINE_PASSWORD` (and the other upload tools' token variables) hold no PyPI API token.",
       doc="tokens.md#pypirc")
def no_token_in_env(ctx: Context) -> Outcome:
    found = [f"${name} = {redact(m.group(0))}" for name in TOKEN_ENV_VARS
             if (m := TOKEN_RE.search(ctx.env.get(name) or ""))]
    if found:
        return failed(_join(found) + " (unset it and remove it from your shell profile)")
    return passed(f"none of {', '.join(TOKEN_ENV_VARS[:2])}, ... holds a pypi- token")


