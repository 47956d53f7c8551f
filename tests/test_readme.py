"""README's two commands (serve, test) and the CI entry point that runs the test command verbatim."""

from __future__ import annotations

from _rendered import ROOT, collect_fences

README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"


def readme_bash_commands() -> list[str]:
    return [f.content.strip() for f in collect_fences(README.read_text(encoding="utf-8")) if f.lang == "bash"]


def test_readme_has_exactly_two_bash_commands_serve_and_test():
    commands = readme_bash_commands()
    assert len(commands) == 2, commands
    serve, test = commands
    assert all("\n" not in c for c in commands), "each command is one line a reader can paste"
    assert "mkdocs serve" in serve and "127.0.0.1:8000" in serve, serve
    assert "pytest" in test, test


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = readme_bash_commands()[-1]
    ci_lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()]
    assert test_command in ci_lines, f".ci/run does not contain README's test command as a line: {test_command}"


def test_ci_run_is_executable_and_strict():
    assert CI_RUN.stat().st_mode & 0o111, ".ci/run is not executable"
    text = CI_RUN.read_text(encoding="utf-8")
    assert text.startswith("#!"), ".ci/run has no shebang"
    assert "set -euo pipefail" in text, ".ci/run does not stop at the first failing command"
