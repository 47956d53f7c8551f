"""The checklist under network faults: PyPI items become `skip` with the reason, never fail or crash.

Runs the online checks against the fault server on 127.0.0.1 (every fault of
tests/faultserver.py, plus a refused connection), in-process through
`run_checks` and once through the script with `TP_INDEX_URL` and `--json`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from conftest import ROOT
from faultserver import FaultServer, closed_port
from tally import count
from trustpub.checks import CHECKS, run_checks
from trustpub.config import Subject
from trustpub.repo import Repo

ONLINE = [c.id for c in CHECKS if c.online]
BUDGET = 2.5
SLACK = 2.0
WORKFLOW = (ROOT / "tests" / "data" / "seed_release.yml").read_text()
FILES = {".github/workflows/release.yml": WORKFLOW,
         "pyproject.toml": '[project]\nname = "widget"\nversion = "1.0.0"\n'}


@pytest.fixture(scope="module")
def server():
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def repo(make_repo):
    r = make_repo(files=FILES)
    r.tag("v1.0.0", "v1.0.0")
    return r


def subject(base: str) -> Subject:
    return Subject(project="widget", owner="acme", repository="widget", index_url_override=base)


def assert_skipped(results, reason: str | None = None) -> None:
    online = [r for r in results if r.id in ONLINE]
    assert online, "the online checks ran"
    for r in online:
        assert r.status == "skip", (r.id, r.status, r.evidence)
        assert "did not answer" in r.evidence, r.evidence
        assert "\n" not in r.evidence
        if reason:
            assert reason in r.evidence, r.evidence


def test_there_are_online_checks():
    assert set(ONLINE) >= {"TP701"}


@pytest.mark.parametrize("fault", [f for f in FaultServer.FAULTS if f != "404"] + ["refused"])
def test_online_checks_skip_on_fault(server, repo, fault):
    base = f"http://127.0.0.1:{closed_port()}" if fault == "refused" else server.url(f"/{fault}")
    started = time.monotonic()
    results = run_checks(Repo.open(repo.path), subject(base), offline=False, only=ONLINE,
                         pypirc=str(repo.path / "no.pypirc"), env={}, budget=BUDGET)
    assert time.monotonic() - started < BUDGET + SLACK
    assert_skipped(results)
    count(faults_survived=1)


def test_404_means_not_on_the_index(server, repo):
    """404 is an answer, not a fault: the project is not on the index (the pending-publisher case)."""
    results = run_checks(Repo.open(repo.path), subject(server.url("/404")), offline=False, only=ONLINE,
                         env={}, budget=BUDGET)
    by_id = {r.id: r for r in results}
    assert by_id["TP701"].status == "fail" and "pending publisher" in by_id["TP701"].evidence
    assert all(r.status == "skip" for r in results if r.id != "TP701")


@pytest.mark.parametrize("exc", [httpx.ConnectError("[Errno -3] Temporary failure in name resolution"),
                                 httpx.ReadTimeout("timed out"), RuntimeError("proxy misconfigured")])
def test_online_checks_skip_with_failing_transport(repo, exc):
    def handler(request):
        raise exc

    results = run_checks(Repo.open(repo.path), subject("https://pypi.invalid"), offline=False, only=ONLINE,
                         env={}, transport=httpx.MockTransport(handler), budget=BUDGET)
    assert_skipped(results)
    count(faults_survived=1)


@pytest.mark.parametrize("fault", ["503", "hang"])
def test_checklist_script_json_under_fault(server, repo, fault):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TP_", "PYPIRC", "CI"))}
    env.update(TP_INDEX_URL=server.url(f"/{fault}"), HOME=str(repo.path), NO_COLOR="1")
    started = time.monotonic()
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "checklist.py"), "--repo", str(repo.path),
                          "--json", "--only", "TP701"], capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.monotonic() - started
    assert "Traceback" not in res.stderr
    assert res.returncode in (0, 1), res.stderr
    doc = json.loads(res.stdout)
    items = doc["checks"]
    [item] = [i for i in items if i["id"] == "TP701"]
    assert item["status"] == "skip" and "did not answer" in item["evidence"], item
    assert elapsed < 8 + 10  # the default budget, plus interpreter start on a busy machine
    count(faults_survived=1)
