"""action.yml, the checklist as a GitHub Action, and .pre-commit-hooks.yaml, run here as GitHub and
pre-commit would run them.

The composite action's `run:` steps are executed with bash as the runner does (`bash --noprofile
--norc -eo pipefail`), each with its `env:` after the `${{ inputs.* }}`, `${{ github.* }}` and
`${{ steps.*.outputs.* }}` expressions are replaced by what GitHub would put there (so the inputs
reach the shell as the INPUT_* variables the action declares), with GITHUB_OUTPUT, GITHUB_PATH and
RUNNER_TEMP as files and folders of the test. `uses:` steps (setup-python, upload-sarif) are not
run: their pins and inputs are checked. The install step builds the action's own copy (a tracked
copy of this repository, as GitHub checks out an action) with pip told not to use an index and not
to isolate the build: hatchling and the dependencies come from the test environment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from test_install import OLD_PUBLISH, user_repo_files
from test_packaging import ROOT, tracked_copy
from test_sarif import validate
from trustpub.pins import PINS

ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
EXPR_RE = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")
SHELL = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]


def load(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_action_matches_the_github_action_schema():
    import check_jsonschema

    schema = json.loads((Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" /
                         "github-actions.json").read_text(encoding="utf-8"))
    import jsonschema

    errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(load(ACTION)))
    assert not errors, [e.message for e in errors]


def test_zizmor_finds_nothing_in_the_action():
    from test_workflows import tool

    res = subprocess.run([tool("zizmor"), "--offline", str(ACTION)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "No findings to report" in res.stdout + res.stderr, res.stdout + res.stderr


def test_every_action_the_action_uses_is_a_confirmed_pin_with_its_version():
    steps = load(ACTION)["runs"]["steps"]
    text = ACTION.read_text(encoding="utf-8")
    used = [s["uses"] for s in steps if "uses" in s]
    assert used and load(ACTION)["runs"]["using"] == "composite"
    for uses in used:
        action, sha = uses.rsplit("@", 1)
        pin = next((p for p in PINS.get(action, []) if p.sha == sha), None)
        assert pin is not None, f"{uses} is not a confirmed pin (trustpub.pins)"
        assert f"uses: {uses} {pin.comment}\n" in text, f"{uses}: no `{pin.comment}` comment"
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in used)


def _expression(expr: str, inputs: dict[str, str], context: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
    m = re.fullmatch(r"inputs\.([\w-]+) == '([^']*)'", expr)
    if m:
        return "true" if inputs[m.group(1)] == m.group(2) else "false"
    if re.fullmatch(r"inputs\.[\w-]+", expr):
        return inputs[expr.removeprefix("inputs.")]
    if re.fullmatch(r"github\.[\w-]+", expr):
        return context[expr.removeprefix("github.")]
    m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
    if m:
        return outputs.get(m.group(1), {}).get(m.group(2), "")
    raise AssertionError(f"an expression the test does not know: {expr}")


def run_action(workspace: Path, work: Path, given: dict[str, str]) -> dict:
    """Run action.yml's shell steps in `workspace`; returns outputs, the uses: steps' inputs and the last result."""
    action = load(ACTION)
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(given) - set(inputs)
    assert not unknown, f"inputs action.yml does not declare: {unknown}"
    inputs.update(given)
    action_path = work / "action"
    if not action_path.exists():
        tracked_copy(action_path)
    runner_temp = work / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    context = {"action_path": str(action_path), "workspace": str(workspace)}
    outputs: dict[str, dict[str, str]] = {}
    extra_path: list[str] = []
    used: list[tuple[str, dict]] = []
    last = None
    base = {k: v for k, v in os.environ.items()
            if k not in ("VIRTUAL_ENV", "PYTHONHOME") and not k.startswith(("TP_", "PIP_", "INPUT_"))}
    base.update({
        "HOME": str(work), "RUNNER_TEMP": str(runner_temp), "GITHUB_WORKSPACE": str(workspace), "CI": "true",
        "GITHUB_ACTION_PATH": str(action_path), "NO_COLOR": "1",
        # Offline stand-ins for the index: the build backend and the dependencies are the test environment's.
        "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), base.get("PATH", "/usr/bin:/bin")]),
    })
    for step in action["runs"]["steps"]:
        condition = step.get("if")
        if condition is not None and _expression(EXPR_RE.fullmatch(str(condition)).group(1), inputs, context,
                                                 outputs) != "true":
            continue
        if "uses" in step:
            used.append((step["uses"], {k: EXPR_RE.sub(lambda m: _expression(m.group(1), inputs, context, outputs),
                                                       str(v)) for k, v in (step.get("with") or {}).items()}))
            continue
        assert step.get("shell") == "bash", step
        env = {k: EXPR_RE.sub(lambda m: _expression(m.group(1), inputs, context, outputs), str(v))
               for k, v in (step.get("env") or {}).items()}
        assert not EXPR_RE.search(step["run"]), f"{step['name']}: expressions belong in env:, not in the script"
        output_file, path_file = runner_temp / "output", runner_temp / "path"
        output_file.write_text("")
        path_file.write_text("")
        env_all = {**base, **env, "GITHUB_OUTPUT": str(output_file), "GITHUB_PATH": str(path_file),
                   "PATH": os.pathsep.join([*reversed(extra_path), base["PATH"]])}
        script = runner_temp / "step.sh"
        script.write_text(step["run"])
        last = subprocess.run([*SHELL, str(script)], cwd=workspace, env=env_all, capture_output=True, text=True,
                              timeout=600, stdin=subprocess.DEVNULL)
        if "id" in step:
            outputs[step["id"]] = dict(line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line)
        extra_path += [line for line in path_file.read_text().splitlines() if line]
        if last.returncode != 0:
            return {"outputs": outputs, "used": used, "failed": step["name"], "result": last}
    return {"outputs": outputs, "used": used, "failed": None, "result": last}


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot tell the tracked files")
    return tmp_path_factory.mktemp("action")


def test_the_action_reports_a_failing_check_to_code_scanning_and_fails_the_job(make_repo, work):
    repo = make_repo(files=user_repo_files(publish=OLD_PUBLISH))
    run = run_action(repo.path, work, {"offline": "true"})
    assert run["failed"] == "Fail on findings", (run["failed"], run["result"].stdout, run["result"].stderr)
    assert "::error::" in run["result"].stdout
    assert run["outputs"]["check"]["exit-code"] == "1"
    log = json.loads((repo.path / "trustpub.sarif").read_text(encoding="utf-8"))
    validate(log)
    assert "TP114" in [r["ruleId"] for r in log["runs"][0]["results"]]
    [(uses, upload)] = [u for u in run["used"] if "upload-sarif" in u[0]]
    assert upload == {"sarif_file": "trustpub.sarif", "category": "trustpub"}
    [(setup, python)] = [u for u in run["used"] if "setup-python" in u[0]]
    assert python == {"python-version": "3.13"}
    # the command that ran is the one the action installed, not this checkout's
    venv_trustpub = work / "runner-temp" / "trustpub-venv" / "bin" / "trustpub"
    assert venv_trustpub.is_file()


def test_the_action_passes_a_good_repository_and_can_only_report(make_repo, work):
    good = make_repo(files=user_repo_files())
    (good.path / "out").mkdir()
    run = run_action(good.path, work, {"offline": "true", "sarif-file": "out/report.sarif", "upload": "false"})
    assert run["failed"] is None, (run["failed"], run["result"].stdout, run["result"].stderr)
    assert run["outputs"]["check"]["exit-code"] == "0"
    assert json.loads((good.path / "out" / "report.sarif").read_text())["runs"][0]["results"] == []
    assert not [u for u in run["used"] if "upload-sarif" in u[0]]  # upload: false
    bad = make_repo(files=user_repo_files(publish=OLD_PUBLISH))
    report_only = run_action(bad.path, work, {"offline": "true", "fail-on-findings": "false"})
    assert report_only["failed"] is None and report_only["outputs"]["check"]["exit-code"] == "1"


def test_bad_input_stops_the_action_with_the_checklists_one_line(make_repo, work, tmp_path):
    repo = make_repo(files=user_repo_files())
    run = run_action(repo.path, work, {"offline": "true", "repo": str(tmp_path / "missing")})
    assert run["failed"] == "Run the checklist" and run["result"].returncode == 2
    assert "trustpub check: error:" in run["result"].stderr


def test_pre_commit_hook_runs_the_offline_checklist_on_workflow_changes(make_repo, tmp_path):
    [hook] = load(HOOKS)
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search(".github/workflows/release.yml") and files.search(".github/workflows/ci.yaml")
    assert not files.search("src/widget/__init__.py") and not files.search(".github/workflows/sub/x.yml")
    assert "--offline" in hook["entry"].split()
    # pre-commit runs `entry` in the repository's root with the hook's package installed: the same command
    bad = make_repo(files=user_repo_files(publish=OLD_PUBLISH))
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("TP_")}, "HOME": str(tmp_path),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    res = subprocess.run(hook["entry"].split(), cwd=bad.path, env=env, capture_output=True, text=True, timeout=180)
    assert res.returncode == 1 and "FAIL    TP114" in res.stdout, res.stdout + res.stderr
    good = make_repo(files=user_repo_files())
    res = subprocess.run(hook["entry"].split(), cwd=good.path, env=env, capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stdout + res.stderr


def test_this_repository_runs_its_action_on_itself():
    workflow = load(ROOT / ".github" / "workflows" / "checklist.yml")
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    [local] = [s for s in steps if s.get("uses") == "./"]
    assert local["with"]["repo"] == "."
    [job] = [j for j in workflow["jobs"].values() if local in j["steps"]]
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    assert "pull_request" in workflow["on"] and "push" in workflow["on"]
