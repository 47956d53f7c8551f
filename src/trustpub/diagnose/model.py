"""One case of the diagnosis table: how it is recognised, what causes it, what fixes it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL
# Commands whose script name is not the subcommand with `_` for `-`.
_SCRIPT_OF_COMMAND = {"check": "checklist.py"}


@dataclass(frozen=True)
class Message:
    id: str            # stable; the page's anchor and the JSON's `id`
    title: str
    pattern: str       # regex, matched case-insensitively against the flattened log (one line, single spaces)
    example: str       # the exact text as a user sees it in the log
    cause: str
    fix: str
    command: str | None = None   # the `trustpub` subcommand that carries out the fix
    section: str | None = None   # or the guide's page/section to read: "attestations.md#…"
    source: str = ""             # who prints it
    generic: bool = False        # a wrapper line: shown only when nothing more specific matched
    unless: str | None = None    # regex: not this case when it also matches (a more specific sibling)
    requires: str | None = None  # regex that must match too (context elsewhere in the log)
    on_lines: bool = False       # match `pattern` against the lines (anchors `^`/`$`), not the flattened log
    rank: int = 50               # among the specific cases: higher is shown first
    explains: tuple[str, ...] = ()  # ids of refusals this case is the cause of: shown before them when both are found
    # Advice for a log that is not from CI (a maintainer's own terminal), when it differs.
    local_fix: str | None = None
    local_command: str | None = None

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, _FLAGS)

    def search(self, flat: str, lines: str | None = None) -> re.Match[str] | None:
        """Where the case is in the log (flattened, and its lines for `on_lines` cases), or None."""
        text = lines if self.on_lines and lines is not None else flat
        m = self.regex.search(text)
        if not m:
            return None
        if self.requires and not re.search(self.requires, flat, _FLAGS):
            return None
        if self.unless and re.search(self.unless, flat, _FLAGS):
            return None
        return m

    def matches(self, text: str) -> bool:
        from trustpub.diagnose.normalise import flatten, normalise_log

        lines = normalise_log(text)
        return self.search(flatten(lines), lines) is not None

    @property
    def script(self) -> str | None:
        """The script behind `command` (scripts/<name>.py), for links to its source."""
        return script_of(self.command)

    @property
    def read_at(self) -> str:
        """The guide's page (and section) to read for this case: its own section, or the page it names."""
        return self.section or f"troubleshooting.md#{self.id}"

    @property
    def script_of_local(self) -> str | None:
        return script_of(self.local_command)

    def advice(self, place: str | None) -> tuple[str, str | None]:
        """(fix, command) for where the log comes from ("ci", "local", None: not known, advice as for CI)."""
        if place == "local" and self.local_fix:
            return self.local_fix, self.local_command
        return self.fix, self.command


def script_of(command: str | None) -> str | None:
    if command is None:
        return None
    return _SCRIPT_OF_COMMAND.get(command, command.replace("-", "_") + ".py")
