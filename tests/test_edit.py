"""trustpub.edit: atomic writes that keep mode and line endings, redacted backups,
no change without confirmation, and two editors racing on one file.

The concurrency tests use real processes (fork) released together by a barrier:
whatever the interleaving, one editor wins, the other refuses with
"changed by something else" (or re-applies on the new content), and a reader
polling the file meanwhile only ever sees a complete old or complete new file.
"""

from __future__ import annotations

import errno
import io
import multiprocessing as mp
import os
import stat
import time
from pathlib import Path

import pytest

from tally import count
from trustpub import edit as edit_mod
from trustpub.edit import (MSG_CHANGED_UNDER_US, Edit, apply_edits, backup_path, read_exact, unified_diff,
                        write_atomic)
from trustpub.errors import CannotFix

TOKEN = "pypi-AgEIcHlwaS5vcmc" + "A1b2C3d4E5f6G7h8I9j0_-" * 7  # real-looking: prefix + ~150 base64url chars


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    """Temporary files an interrupted write could leave behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- single editor -------------------------------------------------------------

@pytest.mark.parametrize("file_mode", [0o600, 0o644, 0o755, 0o640])
def test_write_keeps_mode_and_bytes(tmp_path, file_mode):
    p = tmp_path / "f.txt"
    p.write_bytes(b"a\r\nb\n\xef\xbb\xbfc\r\n")
    p.chmod(file_mode)
    old = read_exact(p)
    assert old == "a\r\nb\n\ufeffc\r\n"  # no newline translation
    write_atomic(Edit(p, old, old.replace("b", "B")))
    assert p.read_bytes() == b"a\r\nB\n\xef\xbb\xbfc\r\n"
    assert mode(p) == file_mode
    assert leftovers(tmp_path) == []


def test_backup_is_redacted_and_private(tmp_path):
    p = tmp_path / ".pypirc"
    original = f"[pypi]\nusername = __token__\npassword = {TOKEN}\n"
    p.write_text(original)
    p.chmod(0o600)
    write_atomic(Edit(p, original, "[pypi]\nusername = __token__\n", backup=True))
    b = backup_path(p)
    assert b.name == ".pypirc.bak"
    text = b.read_text()
    assert TOKEN not in text and "pypi-AgEI" in text and "redacted" in text
    assert text.replace(text.splitlines()[2], "") == original.replace(original.splitlines()[2], "")
    assert mode(b) == 0o600
    assert mode(p) == 0o600


def test_refuses_when_changed_meanwhile(tmp_path):
    p = tmp_path / "f.txt"
    p.write_text("one\n")
    e = Edit(p, "one\n", "two\n", label="f.txt")
    p.write_text("someone else\n")
    with pytest.raises(CannotFix) as exc:
        write_atomic(e)
    assert str(exc.value) == MSG_CHANGED_UNDER_US.format(path="f.txt")
    assert p.read_text() == "someone else\n"
    assert leftovers(tmp_path) == []


def test_missing_file_is_cannotfix(tmp_path):
    with pytest.raises(CannotFix, match="cannot open"):
        write_atomic(Edit(tmp_path / "gone", "x", "y", label="gone"))


@pytest.mark.parametrize("failing", ["mkstemp", "write", "fsync", "replace"])
def test_disk_failure_leaves_original_and_no_temp(tmp_path, monkeypatch, failing):
    """A full disk at any stage: the original is intact, nothing left behind, a one-line CannotFix."""
    p = tmp_path / "f.txt"
    p.write_text("keep me\n")
    p.chmod(0o600)

    def enospc(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if failing == "mkstemp":
        monkeypatch.setattr(edit_mod.tempfile, "mkstemp", enospc)
    elif failing == "fsync":
        monkeypatch.setattr(edit_mod.os, "fsync", enospc)
    elif failing == "replace":
        monkeypatch.setattr(edit_mod.os, "replace", enospc)
    else:
        real_fdopen = os.fdopen

        class Full(io.TextIOWrapper):
            pass

        def fdopen(fd, *a, **k):
            fh = real_fdopen(fd, *a, **k)

            def write(_text):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            fh.write = write  # type: ignore[method-assign]
            return fh
        monkeypatch.setattr(edit_mod.os, "fdopen", fdopen)
    with pytest.raises(CannotFix) as exc:
        write_atomic(Edit(p, "keep me\n", "changed\n", label="f.txt"))
    assert "f.txt" in str(exc.value) and "No space left" in str(exc.value)
    assert "\n" not in str(exc.value)
    assert p.read_text() == "keep me\n"
    assert mode(p) == 0o600
    assert leftovers(tmp_path) == []


def test_symlinked_file_edits_target_and_keeps_link(tmp_path):
    """Dotfile managers symlink ~/.pypirc: the edit must reach the real file, the link must stay."""
    real = tmp_path / "dotfiles" / "pypirc"
    real.parent.mkdir()
    real.write_text(f"[pypi]\npassword = {TOKEN}\n")
    real.chmod(0o600)
    link = tmp_path / ".pypirc"
    link.symlink_to(real)
    old = read_exact(link)
    write_atomic(Edit(link, old, "[pypi]\n", backup=True))
    assert link.is_symlink()
    assert real.read_text() == "[pypi]\n"
    assert TOKEN not in real.read_text()
    assert mode(real) == 0o600
    for p in tmp_path.rglob("*"):
        if p.is_file():
            assert TOKEN not in p.read_text(), p


def test_apply_edits_modes(tmp_path, capsys):
    p = tmp_path / "f.txt"
    p.write_text(f"token = {TOKEN}\n")
    e = Edit(p, p.read_text(), "token =\n", label="f.txt")
    lines: list[str] = []

    class NoTTY(io.StringIO):
        def isatty(self):
            return False

    class TTY(io.StringIO):
        def isatty(self):
            return True

    # no terminal, no --yes: nothing changes, exit 1
    assert apply_edits([e], yes=False, dry_run=False, what="x", write=lines.append, stdin=NoTTY()) == 1
    assert p.read_text() == f"token = {TOKEN}\n"
    # dry run: diff shown (redacted), nothing changes, exit 0
    assert apply_edits([e], yes=True, dry_run=True, what="x", write=lines.append) == 0
    assert p.read_text() == f"token = {TOKEN}\n"
    # declined at the prompt
    assert apply_edits([e], yes=False, dry_run=False, what="x", write=lines.append, stdin=TTY("n\n")) == 1
    assert p.read_text() == f"token = {TOKEN}\n"
    # accepted at the prompt
    assert apply_edits([e], yes=False, dry_run=False, what="x", write=lines.append, stdin=TTY("y\n")) == 0
    assert p.read_text() == "token =\n"
    # second run: nothing to do
    again = Edit(p, p.read_text(), "token =\n")
    assert apply_edits([again], yes=True, dry_run=False, what="x", write=lines.append) == 0
    shown = "\n".join(lines) + capsys.readouterr().err
    assert TOKEN not in shown
    assert "-token = pypi-AgEI" in shown


def test_diff_marks_missing_final_newline():
    d = unified_diff(Edit(Path("f"), "a\nb", "a\nc", label="f"))
    assert "\\ No newline at end of file" in d
    assert d.startswith("--- a/f\n+++ b/f\n")


# -- two editors at once -----------------------------------------------------

def _editor(path: str, old: str, new: str, barrier, results, name: str, reapply: bool) -> None:
    """One fix script: it read `old` earlier, computed `new`, and now writes."""
    p = Path(path)
    barrier.wait()
    try:
        write_atomic(Edit(p, old, new, label=p.name))
        results.put((name, "won"))
    except CannotFix as exc:
        if not reapply:
            results.put((name, f"refused: {exc}"))
            return
        # What a careful caller does: read the new content and apply its change to it.
        current = read_exact(p)
        redone = current + new[len(old):] if new.startswith(old) else current
        try:
            write_atomic(Edit(p, current, redone, label=p.name))
            results.put((name, "re-applied"))
        except CannotFix as exc2:
            results.put((name, f"refused twice: {exc2}"))


def _reader(path: str, allowed: list[str], barrier, stop, results) -> None:
    """Polls the file while editors write: every read must be one complete version."""
    barrier.wait()
    seen = 0
    bad = None
    deadline = time.monotonic() + 10
    while not stop.is_set() and time.monotonic() < deadline:
        with open(path, encoding="utf-8", newline="") as fh:
            text = fh.read()
        seen += 1
        if text not in allowed:
            bad = f"torn read of {len(text)} chars"
            break
    results.put(("reader", bad or f"ok {seen}"))


def _race(tmp_path: Path, rounds: int, reapply: bool) -> dict:
    ctx = mp.get_context("fork")
    tally = {"rounds": 0, "won": 0, "refused": 0, "re-applied": 0, "reads": 0}
    for r in range(rounds):
        p = tmp_path / f"release{r}.yml"
        # Large enough that a non-atomic write would be observable mid-way.
        old = "".join(f"line {i}: keep this\n" for i in range(20000))
        a = old + "# added by A\n"
        b = old + "# added by B\n"
        p.write_text(old)
        p.chmod(0o640)
        barrier = ctx.Barrier(3)
        stop = ctx.Event()
        results = ctx.Queue()
        allowed = [old, a, b, old + "# added by A\n# added by B\n", old + "# added by B\n# added by A\n"]
        procs = [ctx.Process(target=_editor, args=(str(p), old, a, barrier, results, "A", reapply)),
                 ctx.Process(target=_editor, args=(str(p), old, b, barrier, results, "B", reapply)),
                 ctx.Process(target=_reader, args=(str(p), allowed, barrier, stop, results))]
        for pr in procs:
            pr.start()
        for pr in procs[:2]:
            pr.join(20)
        stop.set()
        procs[2].join(20)
        for pr in procs:
            assert pr.exitcode == 0, f"process {pr.name} crashed or hung"
        got = dict(results.get(timeout=5) for _ in range(3))
        assert got["reader"].startswith("ok"), got["reader"]
        tally["reads"] += int(got["reader"].split()[1])
        outcomes = sorted(got[n].split(":")[0] for n in ("A", "B"))
        final = p.read_text()
        assert mode(p) == 0o640
        assert leftovers(tmp_path) == []
        if reapply:
            assert outcomes == ["re-applied", "won"], got
            assert final in allowed[3:], "both changes must be in the file"
        else:
            assert outcomes == ["refused", "won"], got
            winner = "A" if got["A"] == "won" else "B"
            assert final == (a if winner == "A" else b)
            loser = "B" if winner == "A" else "A"
            assert "changed by something else" in got[loser]
        tally["rounds"] += 1
        for o in outcomes:
            tally[o] += 1
    return tally


def test_two_editors_one_wins_other_refuses(tmp_path):
    tally = _race(tmp_path, rounds=8, reapply=False)
    assert tally["won"] == 8 and tally["refused"] == 8
    count(concurrent_rounds=tally["rounds"], torn_reads=0, reads_during_writes=tally["reads"], bytes_lost=0)


def test_two_editors_loser_reapplies(tmp_path):
    tally = _race(tmp_path, rounds=8, reapply=True)
    assert tally["won"] == 8 and tally["re-applied"] == 8
    count(concurrent_rounds=tally["rounds"], torn_reads=0, reads_during_writes=tally["reads"], bytes_lost=0)
