"""diagnose: every known message is recognised; claims in both formats become publisher values; the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from trustpub.config import Subject
from trustpub.diagnose import (MESSAGES, compare, diagnose, example_log, extract_claims, index_from_log,
                            normalise_log, parse_sub, publisher_from_claims, render_troubleshooting_markdown)

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "diagnose.py"
SUBJECT = Subject(project="mcp-devdiag", owner="leok974", repository="mcp-devdiag")

ACTION_LOG = """\
2024-05-01T12:00:00.1234567Z ##[group]Run pypa/gh-action-pypi-publish@release/v1
2024-05-01T12:00:00.1234567Z with:
2024-05-01T12:00:00.1234567Z   repository-url: https://test.pypi.org/legacy/
2024-05-01T12:00:01.0000000Z Error: Trusted publishing exchange failure:
2024-05-01T12:00:01.0000000Z Token request failed: the server refused the request for the following reasons:
2024-05-01T12:00:01.0000000Z
2024-05-01T12:00:01.0000000Z * `invalid-publisher`: valid token, but no corresponding publisher (All lookup strategies exhausted)
2024-05-01T12:00:01.0000000Z
2024-05-01T12:00:01.0000000Z If a claim is not present in the claim set, then it is rendered as `MISSING`.
2024-05-01T12:00:01.0000000Z
2024-05-01T12:00:01.0000000Z * `sub`: `repo:octo-org/widget:environment:release`
2024-05-01T12:00:01.0000000Z * `repository`: `octo-org/widget`
2024-05-01T12:00:01.0000000Z * `repository_owner`: `octo-org`
2024-05-01T12:00:01.0000000Z * `repository_owner_id`: `12345`
2024-05-01T12:00:01.0000000Z * `workflow_ref`: `octo-org/widget/.github/workflows/publish-to-pypi.yml@refs/tags/v1.2.3rc1`
2024-05-01T12:00:01.0000000Z * `job_workflow_ref`: `octo-org/widget/.github/workflows/publish-to-pypi.yml@refs/tags/v1.2.3rc1`
2024-05-01T12:00:01.0000000Z * `ref`: `refs/tags/v1.2.3rc1`
2024-05-01T12:00:01.0000000Z * `environment`: `release`
"""

UV_LOG_OLD = """\
Publishing 1 file to https://upload.pypi.org/legacy/
error: Failed to obtain token for trusted publishing
  Caused by: PyPI returned error code 422 Unprocessable Entity, is trusted publishing correctly configured?
Response: {"errors":[{"code":"invalid-publisher","description":"valid token, but no corresponding publisher (Publisher with matching claims was not found)"}],"message":"Token request failed"}
Token claims, which must match the PyPI configuration: OidcTokenClaims {
    sub: "repo:octo-org/widget:ref:refs/tags/v1.2.3",
    repository: "octo-org/widget",
    repository_owner: "octo-org",
    repository_owner_id: "123",
    job_workflow_ref: "octo-org/widget/.github/workflows/release.yml@refs/tags/v1.2.3",
    ref: "refs/tags/v1.2.3",
}
"""

UV_LOG_NEW = """\
Publishing 2 files to https://test.pypi.org/legacy/
error: Failed to obtain token for trusted publishing
  Caused by: Server returned error code 422 Unprocessable Entity, is trusted publishing correctly configured?
Response: {"errors":[{"code":"invalid-publisher","description":"valid token, but no corresponding publisher (Check failed for required claim 'sub')"}],"message":"Token request failed"}
Token claims, which must match the publisher configuration: GitHub(
    GitHubTokenClaims {
        sub: "repository_owner_id:6154722:repository_id:966304329:environment:release",
        repository: "leok974/mcp-devdiag",
        repository_owner: "leok974",
        repository_owner_id: "6154722",
        job_workflow_ref: "leok974/mcp-devdiag/.github/workflows/testpypi.yml@refs/tags/v0.2.1-test1",
        ref: "refs/tags/v0.2.1-test1",
        environment: Some("release"),
    },
)
"""


# -- the table ----------------------------------------------------------------

@pytest.mark.parametrize("message", MESSAGES, ids=[m.id for m in MESSAGES])
def test_each_example_is_recognised_as_its_own_case(message):
    result = diagnose(message.example)
    assert message in result.matches
    assert message in result.shown or message.generic and any(not m.generic for m in result.matches)


@pytest.mark.parametrize("message", MESSAGES, ids=[m.id for m in MESSAGES])
def test_each_example_survives_the_github_log_format(message):
    # Downloaded logs prefix timestamps; ::error:: annotations encode newlines as %0A.
    stamped = "\n".join(f"2025-01-01T00:00:00.0000000Z {line}" for line in message.example.split("\n"))
    annotated = "::error::" + message.example.replace("%", "%25").replace("\n", "%0A")
    for text in (stamped, annotated):
        assert message in diagnose(text).matches


def test_entries_are_complete_and_ids_stable():
    ids = [m.id for m in MESSAGES]
    assert len(ids) == len(set(ids))
    for m in MESSAGES:
        assert re.fullmatch(r"[a-z0-9-]+", m.id)
        assert m.example.strip() and m.cause.strip() and m.fix.strip() and m.title.strip()
        re.compile(m.pattern)
    # the codes named in the brief are all there
    for needed in ("exchange-failure", "invalid-publisher",
                   "invalid-pending-publisher", "invalid-payload", "invalid-token", "file-exists", "invalid-auth",
                   "non-user-new-project", "not-allowed-project", "uv-oidc-permissions", "uv-token-refused"):
        assert needed in ids


def test_every_case_has_a_command_or_a_page_to_read():
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    for m in MESSAGES:
        assert m.command or m.read_at.split("#")[0] in pages, m.id
        if m.section:
            assert m.section.split("#")[0] in pages, m.id


def test_fix_scripts_are_the_team_names():
    allowed = {"checklist.py", "publisher_values.py", "fix_id_token.py", "fix_action_ref.py", "harden_workflow.py",
               "fix_tag_overlap.py", "fix_attestations.py", "scrub_pypirc.py", "push_test_tag.py", "release.py",
               "diagnose.py"}
    assert {m.script for m in MESSAGES if m.script} <= allowed


def test_fork_pr_is_not_reported_as_missing_permission():
    fork = next(m for m in MESSAGES if m.id == "oidc-fork-pr")
    ids = [m.id for m in diagnose(fork.example).matches]
    assert "oidc-fork-pr" in ids and "oidc-permissions" not in ids


def test_pending_publisher_is_not_also_invalid_publisher():
    ids = [m.id for m in diagnose("* `invalid-pending-publisher`: valid token, but project already exists").matches]
    assert ids == ["invalid-pending-publisher"]


def test_wrapper_alone_is_shown_specific_hides_it():
    only = diagnose("Error: Trusted publishing exchange failure:")
    assert [m.id for m in only.shown] == ["exchange-failure"]
    both = diagnose(ACTION_LOG)
    assert [m.id for m in both.shown] == ["invalid-publisher"]
    assert "exchange-failure" in [m.id for m in both.matches]


def test_unrelated_log_recognises_nothing():
    result = diagnose("Run actions/checkout@v4\nSuccessfully built widget-1.0.tar.gz\n")
    assert not result.matches and not result.recognised and result.publisher is None


# -- claims -------------------------------------------------------------------

def test_action_bullet_claims_become_publisher_values():
    result = diagnose(ACTION_LOG)
    assert result.claims_format == "action"
    p = result.publisher
    assert (p.owner, p.repository, p.workflow, p.environment, p.index) == \
        ("octo-org", "widget", "publish-to-pypi.yml", "release", "testpypi")
    assert p.ref == "refs/tags/v1.2.3rc1"


def test_uv_oidc_token_claims_without_environment():
    p = diagnose(UV_LOG_OLD).publisher
    assert (p.owner, p.repository, p.workflow, p.environment, p.index) == \
        ("octo-org", "widget", "release.yml", None, "pypi")


def test_uv_github_token_claims_with_immutable_sub_and_some_environment():
    result = diagnose(UV_LOG_NEW)
    assert result.claims_format == "uv"
    p = result.publisher
    assert (p.owner, p.repository, p.workflow, p.environment, p.index) == \
        ("leok974", "mcp-devdiag", "testpypi.yml", "release", "testpypi")


def test_environment_from_immutable_sub_when_claim_absent():
    claims = {"sub": "repository_owner_id:6154722:repository_id:966304329:environment:release",
              "repository": "a/b", "job_workflow_ref": "a/b/.github/workflows/x.yml@refs/tags/v1"}
    assert publisher_from_claims(claims).environment == "release"
    assert parse_sub("repo:a/b:environment:pypi") == {"repo": "a/b", "environment": "pypi"}
    assert parse_sub("repo:a/b:pull_request") == {"repo": "a/b", "event": "pull_request"}


def test_missing_environment_claim_means_none():
    claims, fmt = extract_claims("* `repository`: `a/b`\n* `job_workflow_ref`: `a/b/.github/workflows/r.yml@x`\n"
                                 "* `environment`: `MISSING`\n")
    assert fmt == "action" and claims["environment"] is None
    assert publisher_from_claims(claims).environment is None


def test_reusable_workflow_is_noted():
    claims = {"repository": "a/b", "workflow_ref": "a/b/.github/workflows/release.yml@refs/tags/v1",
              "job_workflow_ref": "a/shared/.github/workflows/publish.yml@refs/heads/main"}
    notes = " ".join(publisher_from_claims(claims).notes)
    assert "reusable" in notes and "a/shared" in notes


def test_index_from_log_ignores_docs_links():
    assert index_from_log("See https://docs.pypi.org/trusted-publishers/troubleshooting/ for more help.") == (None, None)
    assert index_from_log("Uploading to https://upload.pypi.org/legacy/")[0] == "pypi"
    assert index_from_log("x\nrepository-url: https://test.pypi.org/legacy/\ny")[0] == "testpypi"


def test_compare_marks_each_difference():
    p = diagnose(UV_LOG_NEW).publisher
    rows = {r.field: r for r in compare(p, SUBJECT.publisher_form("testpypi"))}
    assert not rows["Owner"].differs and not rows["Repository name"].differs
    assert not rows["Workflow name"].differs  # testpypi.yml on both sides
    assert rows["Environment name"].differs and rows["Environment name"].configured == "testpypi"
    no_config = compare(p, None)
    assert all(not r.differs and r.configured is None for r in no_config)


def test_normalise_strips_ansi_and_timestamps():
    assert normalise_log("2025-01-01T00:00:00Z \x1b[31mERROR\x1b[0m x") == "ERROR x"


# -- the page -----------------------------------------------------------------

def test_page_has_a_section_per_entry_with_the_exact_example():
    md = render_troubleshooting_markdown(SUBJECT)
    for m in MESSAGES:
        assert f"{{ #{m.id} }}" in md
        assert m.example in md
        if m.script:
            assert f"https://github.com/leok974/mcp-devdiag/blob/main/scripts/{m.script}" in md


def test_page_fences_are_not_closed_early():
    from markdown_it import MarkdownIt

    md = render_troubleshooting_markdown(SUBJECT)
    fences = [t.content for t in MarkdownIt().parse(md) if t.type == "fence"]
    for m in MESSAGES:
        assert m.example + "\n" in fences


def test_example_log_is_diagnosed():
    result = diagnose(example_log(SUBJECT))
    assert [m.id for m in result.shown] == ["invalid-publisher"]
    assert result.publisher.workflow == "publish.yml" and result.publisher.environment is None
    assert result.publisher.index == "pypi"


# -- the script ----------------------------------------------------------------

def run_script(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, timeout=60, env={**os.environ, "TP_OFFLINE": "1"})


def test_cli_compares_with_the_repository(make_repo, tmp_path):
    repo = make_repo(owner="octo-org", name="widget", files={
        "pyproject.toml": '[project]\nname = "widget"\nversion = "1.2.3"\n'})
    log = tmp_path / "job.log"
    log.write_text(ACTION_LOG, encoding="utf-8")
    res = run_script(str(log), "--repo", str(repo.path), "--environment", "pypi", "--workflow", "release.yml")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert any(line.startswith("[invalid-publisher]") for line in lines)
    wf = next(line for line in lines if line.strip().startswith("Workflow name"))
    assert "publish-to-pypi.yml" in wf and "differs" in wf
    owner = next(line for line in lines if line.strip().startswith("Owner"))
    assert "differs" not in owner and owner.count("octo-org") == 2
    # Where the values come from is its own line, not the header, so the marker column stays narrow.
    source = next(line for line in lines if line.strip().startswith("Configured values from: "))
    assert "--environment" in source and "--workflow" in source
    header = next(line for line in lines if line.strip().startswith("Field"))
    assert header.split() == ["Field", "TestPyPI", "must", "have", "Configured"]  # the log uploads to TestPyPI
    assert wf.index("<- differs") <= len(header) + 4
    assert "TestPyPI" in res.stdout and "https://test.pypi.org/manage/project/widget/settings/publishing/" in res.stdout


def test_cli_json_from_stdin(make_repo):
    repo = make_repo(owner="leok974", name="mcp-devdiag", files={
        "pyproject.toml": '[project]\nname = "mcp-devdiag"\nversion = "0.2.1"\n'})
    res = run_script("--json", "--repo", str(repo.path), "-", stdin=UV_LOG_NEW)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["recognised"] is True
    assert [m["id"] for m in data["matches"] if m["shown"]] == ["invalid-publisher"]
    assert data["publisher"]["environment"] == "release" and data["publisher"]["index"] == "testpypi"
    env_row = next(r for r in data["comparison"] if r["field"] == "Environment name")
    assert env_row == {"field": "Environment name", "required": "release", "configured": "testpypi", "differs": True}


def test_cli_exit_codes(tmp_path):
    nothing = run_script("-", stdin="all good\n", cwd=tmp_path)
    assert nothing.returncode == 1 and nothing.stdout == ""
    empty = run_script("-", stdin="  \n", cwd=tmp_path)
    assert empty.returncode == 2 and empty.stderr.count("\n") == 1
    missing = run_script(str(tmp_path / "nope.log"), cwd=tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr
    (tmp_path / "bin.log").write_bytes(b"\0\1\2")
    assert run_script(str(tmp_path / "bin.log"), cwd=tmp_path).returncode == 2


def test_cli_outside_a_repository_still_derives_values(tmp_path):
    res = run_script("-", stdin=UV_LOG_OLD, cwd=tmp_path)
    assert res.returncode == 0
    assert "release.yml" in res.stdout and "no configured values to compare" in res.stdout


def test_cli_never_prints_a_token(tmp_path):
    token = "pypi-AgEIcHlwaS5vcmcCJDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    log = f"Run twine upload -p {token}\n403 Invalid or non-existent authentication information\n"
    for args in ((), ("--json",)):
        res = run_script(*args, "-", stdin=log, cwd=tmp_path)
        assert res.returncode == 0 and token not in res.stdout + res.stderr


def test_cli_help():
    res = run_script("--help")
    assert res.returncode == 0 and "LOGFILE" in res.stdout and "--json" in res.stdout


# -- the text output: installed commands, both indexes, advice that fits, the unknown --------------------------

LOGS = ROOT / "tests" / "data" / "logs"


def corpus_log(name: str) -> Path:
    """A corpus log by its name without the number (`invalid-auth-ci` for `NN-invalid-auth-ci.log`)."""
    (path,) = LOGS.glob(f"[0-9][0-9]-{name}.log")
    return path


def test_cli_prints_the_installed_command(tmp_path):
    res = run_script(str(corpus_log("action-oidc-permissions")), cwd=tmp_path)
    assert res.returncode == 0
    assert "  run:    trustpub fix-id-token --repo PATH" in res.stdout
    assert "python scripts/" not in res.stdout


def test_cli_without_an_index_in_the_log_says_so_and_links_both(make_repo):
    repo = make_repo(owner="bramble-dev", name="sprocket", files={
        "pyproject.toml": '[project]\nname = "sprocket"\nversion = "2.1.0"\n'})
    res = run_script(str(corpus_log("action-invalid-publisher-no-index")), "--repo", str(repo.path))
    assert res.returncode == 0, res.stderr
    assert "the log does not say which index it uploaded to" in res.stdout
    assert "  PyPI: https://pypi.org/manage/project/sprocket/settings/publishing/" in res.stdout
    assert "  TestPyPI: https://test.pypi.org/manage/project/sprocket/settings/publishing/" in res.stdout
    data = json.loads(run_script("--json", str(corpus_log("action-invalid-publisher-no-index")), "--repo",
                                 str(repo.path)).stdout)
    assert data["index"] is None and data["publishing_url"] is None
    assert [link["label"] for link in data["index_links"]] == ["PyPI", "TestPyPI"]


def test_cli_advice_for_ci_never_mentions_the_pypirc_scrubber(tmp_path):
    ci = run_script(str(corpus_log("invalid-auth-ci")), cwd=tmp_path)
    assert ci.returncode == 0 and "scrub-pypirc" not in ci.stdout and ".pypirc" not in ci.stdout
    local = run_script(str(corpus_log("invalid-auth-local")), cwd=tmp_path)
    assert "trustpub scrub-pypirc" in local.stdout and "looks like a local run" in local.stdout


def test_cli_unknown_place_gives_both_advices(tmp_path):
    log = ("ERROR    HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/\n"
           "         Invalid or non-existent authentication information.")
    res = run_script("-", stdin=log, cwd=tmp_path)
    assert "trustpub harden-workflow" in res.stdout and "on your own machine instead:" in res.stdout
    data = json.loads(run_script("--json", "-", stdin=log, cwd=tmp_path).stdout)
    shown = [m for m in data["matches"] if m["shown"]]
    assert shown[0]["command"] == "trustpub harden-workflow" and shown[0]["local_command"] == "trustpub scrub-pypirc"
    assert data["place"] is None


def test_cli_unknown_log_links_the_troubleshooting_pages(tmp_path):
    res = run_script("-", stdin="Run pypa/gh-action-pypi-publish@release/v1\nsomething odd\n", cwd=tmp_path)
    assert res.returncode == 1 and res.stdout == ""
    assert "https://leok974.github.io/mcp-devdiag/troubleshooting/" in res.stderr
    assert "https://docs.pypi.org/trusted-publishers/troubleshooting/" in res.stderr
    assert "verbose: true" in res.stderr and "print-hash: true" in res.stderr
    plain = run_script("-", stdin="Successfully built x-1.0.tar.gz\n", cwd=tmp_path)
    assert plain.returncode == 1 and "verbose: true" not in plain.stderr  # only where the action's log is read


def test_cli_duplicate_attestation_never_suggests_fix_attestations(tmp_path):
    res = run_script(str(corpus_log("attestation-exists-after-testpypi")), cwd=tmp_path)
    assert res.returncode == 0 and "[attestation-exists]" in res.stdout
    assert "fix-attestations" not in res.stdout and "fix_attestations" not in res.stdout
    assert "read:   https://leok974.github.io/mcp-devdiag/attestations/" in res.stdout  # the hosted guide


def test_links_go_to_the_hosted_guide_and_its_pages_exist(request):
    import tomllib

    from _rendered import ROOT, shared_build
    from trustpub.diagnose import GUIDE_SITE_URL, MESSAGES, TROUBLESHOOTING_PAGE_URL, guide_url

    # The address the package names as its documentation, and the one the site is published under.
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert GUIDE_SITE_URL == urls["Documentation"]
    assert TROUBLESHOOTING_PAGE_URL == GUIDE_SITE_URL + "troubleshooting/"
    assert guide_url("index.md") == GUIDE_SITE_URL and guide_url("a.md#b") == GUIDE_SITE_URL + "a/#b"
    build = shared_build(request.config)
    assert build.ok, build.log[-3000:]
    for m in MESSAGES:  # every "read:" link lands on a built page, at an anchor that page has
        page, _, anchor = m.read_at.partition("#")
        html_path = build.html_path(page)
        assert html_path is not None, f"{m.id}: no page {page}"
        assert guide_url(m.read_at).startswith(GUIDE_SITE_URL + build.page(page)["url"])
        if anchor:
            assert f'id="{anchor}"' in html_path.read_text(encoding="utf-8"), f"{m.id}: {page} has no #{anchor}"


def test_cli_keeps_ordinary_file_names_whole(tmp_path):
    # The redactor cut long file names (`01-opendal-testpypi-inva…[redacted, 22 chars].log`); only tokens go.
    name = tmp_path / "01-opendal-testpypi-invalid-publisher.log"
    name.write_text((corpus_log("action-invalid-publisher-no-index")).read_text(encoding="utf-8"), encoding="utf-8")
    res = run_script(str(name), cwd=tmp_path)
    assert f"{name}: recognised" in res.stderr and "redacted" not in res.stderr


def test_partial_claims_still_name_the_workflow():
    # A paste with `workflow_ref` only, without its `@ref`: the file is still the best evidence there is.
    p = publisher_from_claims({"repository": "o/r", "workflow_ref": "o/r/.github/workflows/release.yml",
                               "environment": "release"})
    assert (p.owner, p.repository, p.workflow, p.environment) == ("o", "r", "release.yml", "release")


def test_the_action_release_the_table_names_for_metadata_2_5_is_the_pinned_one():
    # trustpub.diagnose stays stdlib-only (it runs in the page), so it names the pin itself.
    from trustpub.diagnose.sources import ACTION_FIX_PIN
    from trustpub.pins import PINS

    newest = PINS["pypa/gh-action-pypi-publish"][0]
    assert ACTION_FIX_PIN == f"{newest.version} (commit `{newest.sha}`)"


def test_cli_outside_a_repository_links_the_indexes_pages_both_when_the_log_names_none(tmp_path):
    # No project to name (no repository, no configuration): the index's own pages, labelled.
    unknown = run_script(str(corpus_log("action-invalid-publisher-no-index")), cwd=tmp_path)
    lines = unknown.stdout.splitlines()
    assert unknown.returncode == 0
    assert any(line.split()[:4] == ["Field", "The", "index", "must"] for line in lines)
    pypi = [line.strip() for line in lines if line.strip().startswith("PyPI: ")]
    testpypi = [line.strip() for line in lines if line.strip().startswith("TestPyPI: ")]
    assert pypi == ["PyPI: https://pypi.org/manage/projects/ (the project, then Publishing) or "
                    "https://pypi.org/manage/account/publishing/ (pending publisher)"]
    assert len(testpypi) == 1 and "https://test.pypi.org/manage/account/publishing/" in testpypi[0]
    known = run_script(str(corpus_log("action-invalid-publisher-testpypi-stamped")), cwd=tmp_path).stdout
    labelled = [line.split(":")[0].strip() for line in known.splitlines() if "(pending publisher)" in line]
    assert labelled == ["TestPyPI"]  # the log names its index: that one only
    assert "https://pypi.org/manage" not in known


def test_cli_a_publisher_case_without_claims_still_says_where_to_register(make_repo, tmp_path):
    log = "We get `invalid-publisher: valid token, but no corresponding publisher` from the publish action.\n"
    bare = run_script("-", stdin=log, cwd=tmp_path).stdout.splitlines()
    where = bare.index(next(line for line in bare if line.startswith("Where to register the publisher:")))
    assert "does not say which index" in bare[where]
    assert [line.split(":")[0].strip() for line in bare[where + 1:where + 3]] == ["PyPI", "TestPyPI"]
    repo = make_repo(owner="octo-org", name="widget", files={"pyproject.toml": '[project]\nname = "widget"\n'})
    on_testpypi = log + "Uploading distributions to https://test.pypi.org/legacy/\n"
    text = run_script("-", "--repo", str(repo.path), stdin=on_testpypi, cwd=tmp_path).stdout
    assert "Where to register the publisher: TestPyPI (the log says:" in text
    assert "https://test.pypi.org/manage/project/widget/settings/publishing/" in text and "https://pypi.org/" not in text
    # A case whose fix is not the publisher's registration gets no such lines.
    other = run_script("-", stdin="HTTPError: 400 Bad Request from https://upload.pypi.org/legacy/\n"
                                   "File already exists. See https://pypi.org/help/#file-name-reuse\n", cwd=tmp_path)
    assert "Where to register" not in other.stdout


def test_cli_no_verbose_hint_when_the_action_never_started(tmp_path):
    # Its container was never pulled or built: no upload happened, so `verbose: true` shows nothing more.
    log = ("Run pypa/gh-action-pypi-publish@0123456789abcdef0123456789abcdef01234567\n"
           "Unable to find image 'ghcr.io/pypa/gh-action-pypi-publish:0123456789ab' locally\n"
           "docker: Error response from daemon: manifest unknown\n")
    res = run_script("-", stdin=log, cwd=tmp_path)
    assert res.returncode == 1 and "verbose: true" not in res.stderr


def test_cli_verbose_hint_for_a_current_action_log_that_ran_its_setup_step(tmp_path):
    # Every run of the action since v1.12 builds its container first; that step's name alone is no failure.
    log = ("Run # Create Docker container action\n"
           "  /usr/bin/python3 '/home/runner/work/_actions/pypa/gh-action-pypi-publish/release/v1/create-docker-action.py'\n"
           "Run pypa/gh-action-pypi-publish@release/v1\nsomething odd\n")
    res = run_script("-", stdin=log, cwd=tmp_path)
    assert res.returncode == 1 and "verbose: true" in res.stderr
