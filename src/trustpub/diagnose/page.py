"""The troubleshooting page's cases: one section per row of the diagnosis table."""

from __future__ import annotations

import re

from trustpub.diagnose.table import MESSAGES


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def code_block(text: str, lang: str = "text") -> str:
    fence = _fence(text)
    return f"{fence} {lang}\n{text.rstrip()}\n{fence}"


def render_troubleshooting_markdown(subject, script_link=None) -> str:
    """One section per `MESSAGES` entry: the exact error text, its cause, the fix and its command or page.

    `script_link(name) -> markdown` makes the link to a command's script (the site passes its macro);
    by default a link to the script in the subject's repository.
    """
    if script_link is None:
        def script_link(name: str) -> str:
            return f"[`scripts/{name}`]({subject.repo_url}/blob/main/scripts/{name})"
    parts: list[str] = []
    for m in MESSAGES:
        fix = f"**Fix.** {m.fix}"
        if m.command:
            fix += f" Run `trustpub {m.command}` (source: {script_link(m.script)})."
        if m.section:
            fix += f" Read: [{m.section.split('#')[0].removesuffix('.md')}]({m.section})."
        lines = [f"### {m.title} {{ #{m.id} }}", ""]
        if m.source:
            lines += [f"Printed by {m.source}.", ""]
        lines += [code_block(m.example), "", f"**Cause.** {m.cause}", "", fix, ""]
        if m.local_fix:
            local = f"**On your own machine** (not in CI): {m.local_fix}"
            if m.local_command:
                local += f" Run `trustpub {m.local_command}` (source: {script_link(m.script_of_local)})."
            lines += [local, ""]
        parts.append("\n".join(lines))
    return "\n".join(parts).rstrip() + "\n"
