"""Fixture repositories for the publishing model: one per pattern of issue 14, and combinations.

Written for these tests (modelled on patterns seen in public workflows; no third-party file). Each
fixture: the repository's files, the `publishing` list the model must find (as tuples of
(workflow file, job, tool, index, auth, environment)), and the status of the workflow checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PYPROJECT = '[project]\nname = "widget"\nversion = "1.2.3"\n'
WF = ".github/workflows/"

BUILD_JOB = """\
  build:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v5
        with:
          persist-credentials: false
      - run: python -m build
      - uses: actions/upload-artifact@v4
        with:
          name: dist
          path: dist/
"""
DOWNLOAD = """\
      - uses: actions/download-artifact@v5
        with:
          name: dist
          path: dist/
"""
TAGS = "on:\n  push:\n    tags: ['v*']\n"


def upload_job(name: str = "publish", *, env: str | None = "pypi", steps: str, perms: str = "      id-token: write\n",
               runs_on: str = "ubuntu-latest", extra: str = "", needs: str = "build") -> str:
    env_line = f"    environment: {env}\n" if env else ""
    perm_block = f"    permissions:\n{perms}" if perms else ""
    needs_line = f"    needs: {needs}\n" if needs else ""
    return (f"  {name}:\n{needs_line}{extra}    runs-on: {runs_on}\n{env_line}{perm_block}    steps:\n"
            f"{DOWNLOAD}{steps}")


def workflow(on: str = TAGS, *jobs: str, top: str = "permissions: {}\n") -> str:
    return f"name: release\n{on}{top}jobs:\n{BUILD_JOB}" + "".join(jobs)


PYPA = "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
PYPA_TEST = PYPA + "        with:\n          repository-url: https://test.pypi.org/legacy/\n"
UV = "      - uses: astral-sh/setup-uv@v6\n      - run: uv publish --trusted-publishing always dist/*\n"


@dataclass
class Fixture:
    name: str
    files: dict[str, str]
    publishing: list[tuple[str, str, str, str, str, str | None]]
    statuses: dict[str, str]
    may_upload: int = 0
    options: dict[str, str] = field(default_factory=dict)   # registered values (as --workflow etc.)


FIXTURES: list[Fixture] = [
    Fixture("pypa-action-environment-release",
            {WF + "release.yml": workflow(TAGS, upload_job(env="release", steps=PYPA))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "release")],
            {"TP102": "pass", "TP105": "pass", "TP106": "pass", "TP107": "pass", "TP109": "pass", "TP110": "pass",
             "TP111": "pass", "TP201": "pass", "TP401": "pass"}),
    Fixture("environment-publish-registered-mismatch",
            {WF + "release.yml": workflow(TAGS, upload_job(env="publish", steps=PYPA))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "publish")],
            {"TP109": "fail", "TP401": "fail"}, options={"environment": "pypi"}),
    Fixture("environment-deploy-registered-in-tool-table",
            {WF + "release.yml": workflow(TAGS, upload_job(env="deploy", steps=PYPA)),
             "pyproject.toml": PYPROJECT + '\n[tool.trustpub]\nworkflow = "release.yml"\nenvironment = "deploy"\n'},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "deploy")],
            {"TP109": "pass", "TP401": "pass"}),
    Fixture("environment-release-pypi-tool-table-mismatch",
            {WF + "release.yml": workflow(TAGS, upload_job(env="release-pypi", steps=PYPA)),
             "pyproject.toml": PYPROJECT + '\n[tool.trustpub]\nenvironment = "pypi"\n'},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "release-pypi")],
            {"TP109": "fail", "TP401": "fail"}),
    Fixture("no-environment",
            {WF + "release.yml": workflow(TAGS, upload_job(env=None, steps=PYPA))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", None)],
            {"TP109": "warn", "TP105": "pass"}),
    Fixture("environment-expression",
            {WF + "release.yml": workflow(TAGS, upload_job(env="${{ inputs.target }}", steps=PYPA))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "${{ inputs.target }}")],
            {"TP109": "warn"}, options={"environment": "pypi"}),
    Fixture("uv-publish-trusted",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=UV))},
            [("release.yml", "publish", "uv", "pypi", "trusted", "pypi")],
            {"TP102": "pass", "TP105": "pass", "TP106": "pass", "TP108": "pass", "TP110": "pass"}),
    Fixture("uv-publish-without-id-token",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=UV, perms="      contents: read\n"))},
            [("release.yml", "publish", "uv", "pypi", "trusted", "pypi")],
            {"TP105": "fail"}),
    Fixture("uv-publish-token",
            {WF + "release.yml": workflow(TAGS, upload_job(
                steps="      - run: uv publish\n        env:\n          UV_PUBLISH_TOKEN: ${{ secrets.PYPI_TOKEN }}\n",
                perms="      contents: read\n"))},
            [("release.yml", "publish", "uv", "pypi", "token", "pypi")],
            {"TP110": "fail", "TP105": "skip"}),
    Fixture("uv-publish-on-windows",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=UV, runs_on="windows-latest"))},
            [("release.yml", "publish", "uv", "pypi", "trusted", "pypi")],
            {"TP108": "pass"}),
    Fixture("pypa-action-on-macos",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA, runs_on="macos-14"))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP108": "fail"}),
    Fixture("pypa-action-self-hosted",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA, runs_on="[self-hosted, linux]"))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP108": "warn"}),
    Fixture("twine-trusted",
            {WF + "release.yml": workflow(TAGS, upload_job(
                steps="      - run: pipx run twine upload dist/*\n"))},
            [("release.yml", "publish", "twine", "pypi", "trusted", "pypi")],
            {"TP102": "pass", "TP105": "pass", "TP110": "pass"}),
    Fixture("twine-token-username",
            {WF + "release.yml": workflow(TAGS, upload_job(
                steps="      - run: twine upload -u __token__ -p \"$PW\" dist/*\n", perms="      contents: read\n"))},
            [("release.yml", "publish", "twine", "pypi", "token", "pypi")],
            {"TP110": "fail"}),
    Fixture("poetry-token",
            {WF + "release.yml": workflow(TAGS, upload_job(
                steps="      - run: poetry publish\n        env:\n"
                      "          POETRY_PYPI_TOKEN_PYPI: ${{ secrets.PYPI_TOKEN }}\n", perms="      contents: read\n"))},
            [("release.yml", "publish", "poetry", "pypi", "token", "pypi")],
            {"TP110": "fail"}),
    Fixture("poetry-private-repository",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA), upload_job(
                "private", env=None, perms="      contents: read\n",
                steps="      - run: poetry publish -r corp -u ci -p \"$CORP_PASSWORD\"\n        env:\n"
                      "          POETRY_REPOSITORIES_CORP_URL: https://pkgs.example.com/simple/\n"))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi"),
             ("release.yml", "private", "poetry", "other", "token", None)],
            {"TP110": "pass", "TP105": "pass", "TP106": "pass"}),
    Fixture("pdm-publish",
            {WF + "release.yml": workflow(TAGS, upload_job(steps="      - run: pdm publish --no-build\n"))},
            [("release.yml", "publish", "pdm", "pypi", "trusted", "pypi")],
            {"TP102": "pass", "TP105": "pass", "TP107": "pass"}),
    Fixture("hatch-publish-token",
            {WF + "release.yml": workflow(TAGS, upload_job(
                steps="      - run: hatch publish\n        env:\n          HATCH_INDEX_USER: __token__\n"
                      "          HATCH_INDEX_AUTH: ${{ secrets.PYPI_API_TOKEN }}\n", perms="      contents: read\n"))},
            [("release.yml", "publish", "hatch", "pypi", "token", "pypi")],
            {"TP110": "fail"}),
    Fixture("flit-publish-builds-in-the-upload-job",
            {WF + "release.yml": workflow(TAGS, upload_job(steps="      - run: flit publish\n"))},
            [("release.yml", "publish", "flit", "pypi", "trusted", "pypi")],
            {"TP102": "pass", "TP107": "fail"}),
    Fixture("hynek-build-with-attestations",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA)).replace(
                "    permissions:\n      contents: read\n    steps:\n      - uses: actions/checkout@v5\n",
                "    permissions:\n      id-token: write\n      attestations: write\n"
                "    steps:\n      - uses: actions/checkout@v5\n", 1)},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP106": "pass"}),
    Fixture("maturin-action-upload",
            {WF + "release.yml": workflow(TAGS, upload_job(
                steps="      - uses: PyO3/maturin-action@v1\n        with:\n          command: upload\n"
                      "          args: --non-interactive --skip-existing dist/*\n"))},
            [("release.yml", "publish", "maturin", "pypi", "trusted", "pypi")],
            {"TP102": "pass", "TP105": "pass", "TP107": "pass"}),
    Fixture("maturin-upload-testpypi",
            {WF + "release.yml": workflow(TAGS, upload_job(
                steps="      - run: maturin upload --repository-url https://test.pypi.org/legacy/ dist/*\n"))},
            [("release.yml", "publish", "maturin", "testpypi", "trusted", "pypi")],
            {"TP102": "warn"}),
    Fixture("same-repo-reusable-workflow",
            {WF + "release.yml": TAGS + "jobs:\n  pypi:\n    uses: ./.github/workflows/publish-pypi.yml\n"
                                 "    permissions:\n      id-token: write\n",
             WF + "publish-pypi.yml": "on:\n  workflow_call:\npermissions: {}\njobs:\n" + BUILD_JOB
                                      + upload_job(steps=PYPA)},
            [("publish-pypi.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP111": "pass", "TP105": "pass", "TP103": "pass", "TP106": "pass"}),
    Fixture("same-repo-reusable-caller-without-id-token",
            {WF + "release.yml": TAGS + "jobs:\n  pypi:\n    uses: ./.github/workflows/publish-pypi.yml\n"
                                 "    permissions:\n      contents: read\n",
             WF + "publish-pypi.yml": "on:\n  workflow_call:\njobs:\n" + BUILD_JOB + upload_job(steps=PYPA)},
            [("publish-pypi.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP105": "fail", "TP111": "pass"}),
    Fixture("other-repo-reusable-workflow",
            {WF + "release.yml": TAGS + "jobs:\n  pypi:\n    uses: acme/shared/.github/workflows/pypi.yml@v1\n"
                                 "    permissions:\n      id-token: write\n"},
            [], {"TP102": "warn", "TP111": "warn"}, may_upload=1),
    Fixture("attestations-in-build-job",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA)).replace(
                "    permissions:\n      contents: read\n    steps:\n      - uses: actions/checkout@v5\n",
                "    permissions:\n      contents: read\n      id-token: write\n      attestations: write\n"
                "    steps:\n      - uses: actions/checkout@v5\n", 1).replace(
                "      - uses: actions/upload-artifact@v4\n",
                "      - uses: actions/attest-build-provenance@v2\n        with:\n          subject-path: dist/*\n"
                "      - uses: actions/upload-artifact@v4\n", 1)},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP106": "pass"}),
    Fixture("id-token-on-a-job-that-needs-none",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA)).replace(
                "    permissions:\n      contents: read\n", "    permissions:\n      id-token: write\n", 1)},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP106": "fail"}),
    Fixture("job-if-narrows-tag-trigger-to-release",
            {WF + "release.yml": workflow("on:\n  push:\n    tags: ['*']\n  release:\n    types: [published]\n",
                                          upload_job(steps=PYPA, extra="    if: github.event_name == 'release'\n"))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP103": "pass", "TP201": "pass"}),
    Fixture("one-job-testpypi-then-pypi",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA_TEST + PYPA))},
            [("release.yml", "publish", "pypa-action", "testpypi", "trusted", "pypi"),
             ("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP201": "fail"}),
    Fixture("testpypi-and-pypi-told-apart-by-step-if",
            {WF + "release.yml": workflow(TAGS, upload_job(
                steps="      - uses: pypa/gh-action-pypi-publish@release/v1\n"
                      "        if: contains(github.ref, 'rc')\n"
                      "        with:\n          repository-url: https://test.pypi.org/legacy/\n"
                      "      - uses: pypa/gh-action-pypi-publish@release/v1\n"
                      "        if: \"!contains(github.ref, 'rc')\"\n"))},
            [("release.yml", "publish", "pypa-action", "testpypi", "trusted", "pypi"),
             ("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP201": "pass"}),
    Fixture("two-workflows-overlapping-tags",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA)),
             WF + "testpypi.yml": workflow("on:\n  push:\n    tags: ['v*rc*']\n",
                                           upload_job(env="testpypi", steps=PYPA_TEST))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi"),
             ("testpypi.yml", "publish", "pypa-action", "testpypi", "trusted", "testpypi")],
            {"TP201": "fail"}),
    Fixture("script-delegation-followed",
            {WF + "release.yml": workflow(TAGS, upload_job(
                steps="      - run: ./scripts/publish.sh\n        env:\n"
                      "          TWINE_PASSWORD: ${{ secrets.PYPI_TOKEN }}\n", perms="      contents: read\n")),
             "scripts/publish.sh": "#!/bin/sh -e\nset -x\n${PREFIX}twine upload dist/*\n"},
            [("release.yml", "publish", "twine", "pypi", "token", "pypi")],
            {"TP110": "fail", "TP102": "pass"}),
    Fixture("tox-release-not-inspected",
            {WF + "release.yml": workflow(TAGS, upload_job(steps="      - run: tox -e release\n"))},
            [], {"TP102": "warn"}, may_upload=1),
    Fixture("private-index-next-to-trusted-pypi",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA + (
                "      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n"
                "          repository-url: https://pkgs.example.com/legacy/\n          user: ci\n"
                "          password: ${{ secrets.CORP_PYPI_PASSWORD }}\n")))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi"),
             ("release.yml", "publish", "pypa-action", "other", "token", "pypi")],
            {"TP110": "pass", "TP105": "pass"}),
    Fixture("broken-unrelated-workflow",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA)),
             WF + "docs.yml": "on: [push\njobs: {}\n"},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP100": "fail", "TP105": "pass", "TP102": "pass"}),
    Fixture("dangerous-trigger-reaches-upload",
            {WF + "release.yml": workflow("on:\n  pull_request_target:\n  push:\n    tags: ['v*']\n",
                                          upload_job(steps=PYPA))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP113": "fail"}),
    Fixture("dangerous-trigger-kept-out-by-if",
            {WF + "release.yml": workflow("on:\n  pull_request_target:\n  push:\n    tags: ['v*']\n",
                                          upload_job(steps=PYPA, extra="    if: github.event_name == 'push'\n"))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP113": "pass"}),
    Fixture("build-in-upload-job",
            {WF + "release.yml": workflow(TAGS, upload_job(steps="      - run: uv build\n" + UV))},
            [("release.yml", "publish", "uv", "pypi", "trusted", "pypi")],
            {"TP107": "fail"}),
    Fixture("matrix-over-packages-with-prefix-tags",
            {WF + "release.yml": workflow("on:\n  push:\n    tags: ['core-v*', 'cli-v*']\n", upload_job(
                extra="    strategy:\n      matrix:\n        package: [core, cli]\n",
                steps="      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n"
                      "          packages-dir: ${{ matrix.package }}/dist\n"))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP102": "pass", "TP201": "pass"}),
    Fixture("branch-push-uploads",
            {WF + "release.yml": workflow("on:\n  push:\n    branches: [main]\n", upload_job(steps=PYPA))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP103": "fail"}),
    Fixture("attestations-off",
            {WF + "release.yml": workflow(TAGS, upload_job(steps=PYPA + "        with:\n          attestations: false\n"))},
            [("release.yml", "publish", "pypa-action", "pypi", "trusted", "pypi")],
            {"TP112": "fail"}),
]
