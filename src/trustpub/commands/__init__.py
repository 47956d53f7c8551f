"""The toolkit's commands: one module each, run as `trustpub NAME` or `python scripts/NAME.py`.

COMMANDS is the one table of them: the subcommand a user types, the module that
holds its `main()`, and the script name the guide links to (`scripts/<name>.py`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import NoReturn, Sequence


@dataclass(frozen=True)
class Command:
    name: str      # the subcommand: `trustpub NAME`
    module: str    # trustpub.commands.<module>, and scripts/<module>.py
    summary: str   # one line for `trustpub --help`

    @property
    def script(self) -> str:
        return f"{self.module}.py"


COMMANDS: tuple[Command, ...] = (
    Command("check", "checklist", "run the security checklist on a repository (and PyPI)"),
    Command("diagnose", "diagnose", "explain a failed release from its log"),
    Command("publisher-values", "publisher_values", "print the values PyPI's publisher form needs"),
    Command("fix-id-token", "fix_id_token", "grant id-token: write only to the upload jobs"),
    Command("fix-action-ref", "fix_action_ref", "pin pypa/gh-action-pypi-publish to a current release"),
    Command("harden-workflow", "harden_workflow", "split build and publish, harden the release workflow"),
    Command("fix-tag-overlap", "fix_tag_overlap", "keep one tag from reaching both PyPI and TestPyPI"),
    Command("fix-attestations", "fix_attestations", "stop the publish step switching off attestations"),
    Command("scrub-pypirc", "scrub_pypirc", "remove old PyPI API tokens from .pypirc"),
    Command("push-test-tag", "push_test_tag", "try the setup with a test tag, then clean up"),
    Command("release", "release", "set the version, move the changelog, commit, tag, push"),
)

BY_NAME = {c.name: c for c in COMMANDS}
BY_SCRIPT = {c.script: c for c in COMMANDS}


def command_for_script(script: str) -> Command:
    """The command behind `scripts/<script>` (e.g. fix_id_token.py)."""
    return BY_SCRIPT[script]


def launch(name: str, argv: Sequence[str] | None = None, *, prog: str | None = None) -> NoReturn:
    """Run command `name` with `argv` (default: sys.argv[1:]) and exit with its code."""
    from trustpub import cli

    command = BY_NAME[name]
    cli.PROG = prog or f"trustpub {command.name}"
    main = importlib.import_module(f"trustpub.commands.{command.module}").main
    cli.run(main, argv)
