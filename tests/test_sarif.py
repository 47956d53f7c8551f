"""`trustpub check --format sarif`: valid SARIF 2.1.0, one result with a location per fail or warn.

The schema (tests/data/sarif-2.1.0.schema.json) is the OASIS SARIF 2.1.0 schema's definitions of the
objects trustpub writes, written out with its source named in its `$comment`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from test_checklist import SUBJECT_ARGS, good_repo, run  # noqa: F401  (good_repo: a fixture)
from test_checks import PYPROJECT, SEED, TOKEN
from trustpub.sarif import LEVELS, location_of, rule_id

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0.schema.json").read_text(encoding="utf-8"))


def validate(log: dict) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


@pytest.fixture
def seed_repo(make_repo, tmp_path):
    """The first user's original workflow: many checks fail or warn; a token in .pypirc too."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".pypirc").write_text(f"[pypi]\nusername = __token__\npassword = {TOKEN}\n", encoding="utf-8")
    repo = make_repo(files={"pyproject.toml": PYPROJECT.format(version="1.2.3"),
                            ".github/workflows/release.yml": SEED})
    return repo, home


def both(repo, home) -> tuple[dict, dict]:
    sarif = run("--repo", str(repo.path), "--offline", "--format", "sarif", *SUBJECT_ARGS, home=home)
    as_json = run("--repo", str(repo.path), "--offline", "--format", "json", *SUBJECT_ARGS, home=home)
    assert sarif.returncode == as_json.returncode == 1, sarif.stderr + as_json.stderr
    return json.loads(sarif.stdout), json.loads(as_json.stdout)


def test_the_schema_rejects_what_sarif_does_not_allow():
    """The written-out schema is not a rubber stamp."""
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "level": "error",
         "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.yml"}, "region": {"startLine": 3}}}]}]}]}
    validate(good)
    for broken in ({"version": "2.0.0", "runs": []}, {"runs": []},
                   {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]},
                   {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "error"}]}]},
                   {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                                  "results": [{"message": {"text": "m"}, "level": "fatal"}]}]},
                   {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
                       {"message": {"text": "m"}, "locations": [{"physicalLocation": {
                           "artifactLocation": {"uri": "a"}, "region": {"startLine": 0}}}]}]}]},
                   {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "surprise": 1}]}):
        with pytest.raises(AssertionError):
            validate(broken)


def test_sarif_is_valid_and_each_fail_or_warn_is_one_located_result(seed_repo):
    repo, home = seed_repo
    log, report = both(repo, home)
    validate(log)
    [run_] = log["runs"]
    findings = [c for c in report["checks"] if c["status"] in LEVELS]
    assert len(findings) >= 5, findings  # the seed fails many checks: a real test of the mapping
    assert Counter((rule_id(c["id"]), LEVELS[c["status"]]) for c in findings) == \
        Counter((r["ruleId"], r["level"]) for r in run_["results"])
    rule_ids = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    for result in run_["results"]:
        [location] = result["locations"]
        where = location["physicalLocation"]
        path = repo.path / where["artifactLocation"]["uri"]
        assert path.is_file(), where
        assert 1 <= where["region"]["startLine"] <= len(path.read_text(encoding="utf-8").splitlines()), where
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert TOKEN not in result["message"]["text"]
    assert TOKEN not in json.dumps(log)


def test_a_result_sits_on_the_line_its_evidence_names(seed_repo):
    repo, home = seed_repo
    log, report = both(repo, home)
    located = [c for c in report["checks"] if c["status"] in LEVELS and ".github/workflows/release.yml:" in c["evidence"]]
    assert located
    first = located[0]
    line = int(first["evidence"].split(".github/workflows/release.yml:", 1)[1].split(":")[0].split()[0])
    [result] = [r for r in log["runs"][0]["results"] if r["message"]["text"].startswith(first["title"] + ":")][:1]
    region = result["locations"][0]["physicalLocation"]
    assert region["artifactLocation"]["uri"] == ".github/workflows/release.yml" and region["region"]["startLine"] == line


def test_a_finding_outside_the_repository_is_placed_on_the_workflow(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "release.yml").write_text("on: push\n")
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    assert location_of("/home/me/.pypirc: a token", tmp_path, [".github/workflows/release.yml"]) == \
        (".github/workflows/release.yml", 1)
    assert location_of("pyproject.toml:1 and .github/workflows/release.yml:9", tmp_path, []) == ("pyproject.toml", 1)
    assert location_of("nothing named", tmp_path, ["missing.yml", "pyproject.toml"]) == ("pyproject.toml", 1)


def test_json_spellings_agree_and_clash_with_sarif(good_repo, tmp_path):
    args = ("--repo", str(good_repo.path), "--offline", *SUBJECT_ARGS)
    old, new = run(*args, "--json", home=tmp_path), run(*args, "--format", "json", home=tmp_path)
    assert old.returncode == new.returncode == 0 and json.loads(old.stdout) == json.loads(new.stdout)
    clash = run(*args, "--json", "--format", "sarif", home=tmp_path)
    assert clash.returncode == 2 and len(clash.stderr.strip().splitlines()) == 1 and "--json" in clash.stderr
    clean = run(*args, "--format", "sarif", home=tmp_path)
    log = json.loads(clean.stdout)
    validate(log)
    assert clean.returncode == 0 and log["runs"][0]["results"] == []
