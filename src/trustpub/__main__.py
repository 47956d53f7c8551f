"""`trustpub` / `python -m trustpub`: the toolkit's one command, with a subcommand per tool."""

from __future__ import annotations

import sys
from typing import NoReturn, Sequence

from trustpub import __version__
from trustpub.commands import BY_NAME, COMMANDS, launch

USAGE = "usage: trustpub [--version] [--help] COMMAND [ARGS...]"
MSG_UNKNOWN = "trustpub: error: unknown command {name!r}; one of: {names} (see trustpub --help)\n"
MSG_NO_COMMAND = "trustpub: error: name a command (see trustpub --help)\n"


def help_text() -> str:
    width = max(len(c.name) for c in COMMANDS)
    lines = [USAGE, "", "Move a Python package's PyPI releases to Trusted Publishing, and keep them safe.",
             "", "commands:"]
    lines += [f"  {c.name:<{width}}  {c.summary}" for c in COMMANDS]
    lines += ["", "Run `trustpub COMMAND --help` for a command's options."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> NoReturn:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        sys.stderr.write(help_text() + "\n" + MSG_NO_COMMAND)
        raise SystemExit(2)
    first = args[0]
    if first in ("-h", "--help", "help"):
        sys.stdout.write(help_text())
        raise SystemExit(0)
    if first in ("-V", "--version"):
        sys.stdout.write(f"trustpub {__version__}\n")
        raise SystemExit(0)
    if first not in BY_NAME:
        sys.stderr.write(MSG_UNKNOWN.format(name=first, names=", ".join(BY_NAME)))
        raise SystemExit(2)
    launch(first, args[1:])


if __name__ == "__main__":
    main()
