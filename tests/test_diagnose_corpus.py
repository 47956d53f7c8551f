"""diagnose on the corpus: logs in the formats users paste, each with its expected case, index, place and publisher.

tests/data/logs/expected.json names, for each log, the case to show first (None: nothing known), the index
the failed upload went to (None: the log does not say), where the log comes from ("ci", "local", None) and,
where the log carries the token's claims, the publisher values they call for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trustpub.diagnose import MESSAGES_BY_ID, diagnose, report

LOGS = Path(__file__).resolve().parent / "data" / "logs"
EXPECTED: dict[str, dict] = json.loads((LOGS / "expected.json").read_text(encoding="utf-8"))


def read(name: str) -> str:
    return (LOGS / name).read_text(encoding="utf-8")


def test_the_corpus_is_large_and_covers_the_table():
    assert len(EXPECTED) >= 60
    assert sorted(EXPECTED) == sorted(p.name for p in LOGS.glob("*.log"))
    cases = {e["case"] for e in EXPECTED.values()}
    assert None in cases  # logs with nothing to recognise are in it too
    missing = set(MESSAGES_BY_ID) - cases - {"uv-token-refused", "invalid-payload", "invalid-token", "not-enabled",
                                             "reusable-workflow"}
    assert not missing, f"cases without a log in the corpus: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_log(name):
    expected = EXPECTED[name]
    result = diagnose(read(name))
    shown = [m.id for m in result.shown]
    if expected["case"] is None:
        assert not result.recognised, shown
    else:
        assert shown and shown[0] == expected["case"], [m.id for m in result.matches]
    assert result.index == expected["index"], result.index_evidence
    assert result.place == expected["place"]
    if "publisher" in expected:
        p = result.publisher
        assert p is not None
        assert {"owner": p.owner, "repository": p.repository, "workflow": p.workflow,
                "environment": p.environment} == expected["publisher"]
        assert p.index == expected["index"]
    else:
        assert result.publisher is None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_advice_fits(name):
    result = diagnose(read(name))
    for m in result.shown:
        fix, command = result.advice(m)
        # The .pypirc scrubber is advice for a maintainer's machine, never for a failure in CI.
        if result.place != "local":
            assert command != "scrub-pypirc" and ".pypirc" not in fix, m.id
        # fix_attestations only removes `attestations: false`: never the answer to a duplicate attestation.
        if m.id == "attestation-exists":
            assert command != "fix-attestations" and "fix_attestations" not in fix
    data = report(result, name, None)
    json.dumps(data)  # the --json payload is plain data
    assert data["recognised"] == result.recognised


def test_the_duplicate_attestation_never_leads_to_fix_attestations():
    message = MESSAGES_BY_ID["attestation-exists"]
    assert message.command is None and message.local_command is None
    assert "own job" in message.fix and "attestations: false" in message.fix  # the fixes, with the trade-off
    assert "unsigned" in message.fix


def test_non_user_identities_gives_causes_in_order_and_how_to_tell():
    cause = MESSAGES_BY_ID["non-user-new-project"].cause
    first, second = cause.index("(1) no pending publisher"), cause.index("(2) a pending publisher exists")
    assert first < second and "To tell them apart" in cause


def test_an_unstated_index_is_said_and_both_are_linked(make_repo):
    from trustpub.config import Subject

    result = diagnose(read(next(n for n in EXPECTED if n.endswith("-action-invalid-publisher-no-index.log"))))
    assert result.index is None and result.publisher.index is None
    subject = Subject(project="sprocket", owner="bramble-dev", repository="sprocket")
    data = report(result, "x.log", None, subject, "test", None)
    assert data["publishing_url"] is None
    assert [(link["label"], link["publishing_url"]) for link in data["index_links"]] == [
        ("PyPI", "https://pypi.org/manage/project/sprocket/settings/publishing/"),
        ("TestPyPI", "https://test.pypi.org/manage/project/sprocket/settings/publishing/")]


def test_the_failed_upload_of_two_is_the_one_before_the_error():
    # TestPyPI succeeded, the PyPI upload in the same job failed: the error belongs to PyPI.
    result = diagnose(read(next(n for n in EXPECTED if n.endswith("-attestation-exists-after-testpypi.log"))))
    assert result.index == "pypi" and "upload.pypi.org" in result.index_evidence
