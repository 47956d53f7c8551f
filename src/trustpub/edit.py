"""Changing a user's file without losing anything.

Every fix script computes the new text and hands it to `apply_edits`, which:
shows a unified diff (tokens redacted), asks unless `--yes` (and changes
nothing with no terminal), keeps a backup when the file is not under git
(tokens redacted in it, same mode), writes atomically with the original mode
and line endings, and refuses if the file changed while it was being edited.
"""

from __future__ import annotations

import difflib
import fcntl
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TextIO

from trustpub.errors import BadInput, CannotFix
from trustpub.secrets import redact_text

MSG_NOTHING = "nothing to do: {what}"
MSG_NO_TTY = "not applied: no terminal to confirm; re-run with --yes to apply, or --dry-run to only see the diff"
MSG_DECLINED = "not applied: declined"
MSG_DRY_RUN = "dry run: nothing changed"
MSG_CHANGED_UNDER_US = "{path}: changed by something else while editing; nothing written, re-run to apply to the new content"
BACKUP_SUFFIX = ".bak"


@dataclass
class Edit:
    path: Path
    old: str          # the text as read (exactly, line endings included)
    new: str
    label: str = ""   # how to name the file in the diff (relative path)
    backup: bool = False  # keep a backup (the file is not under git)

    @property
    def changed(self) -> bool:
        return self.old != self.new


def read_exact(path: Path) -> str:
    """The file's text with its line endings untouched (no newline translation).

    One-line BadInput (not a traceback) when it is binary or not UTF-8.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:  # permission denied, a directory, gone meanwhile...
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    if b"\0" in raw:
        raise BadInput(f"{path}: binary file, expected text")
    try:
        return raw.decode("utf-8")  # a BOM stays as U+FEFF, so it is written back
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text (byte {exc.start})") from None


def unified_diff(edit: Edit) -> str:
    name = edit.label or str(edit.path)
    lines = difflib.unified_diff(
        edit.old.splitlines(keepends=True), edit.new.splitlines(keepends=True),
        fromfile=f"a/{name}", tofile=f"b/{name}",
    )
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return redact_text(text)


def confirm(question: str, stdin: TextIO | None = None) -> bool | None:
    """True/False from the user, or None when there is no terminal to ask."""
    stdin = stdin or sys.stdin
    if stdin is None or not stdin.isatty():
        return None
    sys.stderr.write(question + " [y/N] ")
    sys.stderr.flush()
    answer = stdin.readline().strip().lower()
    return answer in ("y", "yes")


def may_proceed(question: str, *, yes: bool, dry_run: bool, stdin: TextIO | None = None) -> int | None:
    """None to go on with a change; else the exit code to stop with (0 dry run, 1 not confirmed)."""
    from trustpub.cli import info

    if dry_run:
        info(MSG_DRY_RUN)
        return 0
    if yes:
        return None
    answer = confirm(question, stdin)
    if answer is None:
        info(MSG_NO_TTY)
        return 1
    if not answer:
        info(MSG_DECLINED)
        return 1
    return None


def apply_edits(edits: list[Edit], *, yes: bool, dry_run: bool, what: str,
                write: Callable[[str], None] | None = None, stdin: TextIO | None = None) -> int:
    """Show, confirm and apply. Returns the exit code (0 applied or nothing to do, 1 not applied)."""
    from trustpub.cli import info, out

    write = write or out
    pending = [e for e in edits if e.changed]
    if not pending:
        info(MSG_NOTHING.format(what=what))
        return 0
    for e in pending:
        write(unified_diff(e).rstrip("\n"))
    stop = may_proceed(f"Apply this change to {len(pending)} file(s)?", yes=yes, dry_run=dry_run, stdin=stdin)
    if stop is not None:
        return stop
    for e in pending:
        write_atomic(e)
        info(f"updated {e.label or e.path}" + (f" (backup: {backup_path(e.path).name})" if e.backup else ""))
    return 0


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def write_atomic(edit: Edit) -> None:
    """Replace the file with `edit.new` in one rename; refuse if it no longer holds `edit.old`."""
    # Write through a symlink (dotfile managers link ~/.pypirc): replacing the link itself would
    # leave the old content, token included, in the real file.
    path = Path(os.path.realpath(edit.path))
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise CannotFix(f"{edit.label or path}: cannot open: {exc.strerror}") from None
    try:
        # Serialises concurrent editors: a second one waits, then sees new content and refuses.
        fcntl.flock(fd, fcntl.LOCK_EX)
        st = os.fstat(fd)
        if read_exact(path) != edit.old:
            raise CannotFix(MSG_CHANGED_UNDER_US.format(path=edit.label or path))
        try:
            if edit.backup:
                # Owner-only: the backup of a credentials file must not be readable by anyone else.
                _write_file(backup_path(edit.path), redact_text(edit.old), st.st_mode & 0o700)
            _write_file(path, edit.new, st.st_mode & 0o7777, owner=(st.st_uid, st.st_gid))
        except OSError as exc:  # disk full, read-only folder...: the original is untouched
            raise CannotFix(f"{edit.label or path}: cannot write: {exc.strerror or exc}; "
                            "the file is unchanged") from None
    finally:
        os.close(fd)


def _write_file(path: Path, text: str, mode: int, owner: tuple[int, int] | None = None) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        if owner is not None and hasattr(os, "fchown"):
            try:
                os.fchown(fd, *owner)
            except PermissionError:
                pass
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
