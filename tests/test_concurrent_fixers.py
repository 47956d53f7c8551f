"""Two real fix scripts at once on the same workflow: one wins, the other fails cleanly or
re-applies on the new content; the file is never half-written and never loses a fix silently.

fix_id_token.py and fix_attestations.py both edit release.yml. Each round starts both
processes together; the final file must be exactly one of: A's fix, B's fix, or both
(in either order), and a script that did not get its change in must have said so (exit 1,
"changed by something else").
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from tally import count
from test_bad_input import build_case, env_for

A, B = "fix_id_token.py", "fix_attestations.py"
ROUNDS = 6


def run(script: str, repo: Path, env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "scripts" / script), "--repo", str(repo), "--yes"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            stdin=subprocess.DEVNULL)


def sequential(tmp: Path, order: list[str], env) -> str:
    repo = tmp / ("seq-" + "-".join(order))
    shutil.copytree(tmp / "repo", repo, symlinks=True)
    for s in order:
        p = run(s, repo, env)
        p.communicate(timeout=120)
    return (repo / ".github/workflows/release.yml").read_text()


def test_two_fixers_at_once(tmp_path):
    paths = build_case(tmp_path, "plain")
    repo, env = paths["repo"], env_for(paths["home"])
    wf = repo / ".github/workflows/release.yml"
    wf.write_text(wf.read_text() + "        with:\n          attestations: false\n")
    original = wf.read_text()
    allowed = {
        "A": sequential(tmp_path, [A], env), "B": sequential(tmp_path, [B], env),
        "AB": sequential(tmp_path, [A, B], env), "BA": sequential(tmp_path, [B, A], env),
    }
    assert allowed["A"] != original and allowed["B"] != original, "both scripts have something to fix"
    outcomes = []
    for _ in range(ROUNDS):
        wf.write_text(original)
        procs = {A: run(A, repo, env), B: run(B, repo, env)}
        results = {s: (p.wait(timeout=120), *p.communicate()) for s, p in procs.items()}
        final = wf.read_text()
        for s, (code, out, err) in results.items():
            assert "Traceback" not in err, err
            assert code in (0, 1), (s, code, err)
            if code == 1:
                assert "changed by something else" in err, err
        kind = next((k for k, v in allowed.items() if v == final), None)
        assert kind is not None, f"the file is none of the allowed results:\n{final}"
        # A fix that is missing from the file must have been reported as not applied.
        if kind == "A":
            assert results[B][0] == 1
        if kind == "B":
            assert results[A][0] == 1
        assert not [p for p in wf.parent.iterdir() if p.name.endswith(".tmp")]
        outcomes.append(kind)
    count(concurrent_rounds=ROUNDS, inputs=ROUNDS, bytes_lost=0)
