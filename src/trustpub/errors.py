"""Errors every script turns into a one-line message and an exit code."""


class BadInput(Exception):
    """Bad input or usage: the message names the file and what is wrong. Exit 2."""

    exit_code = 2


class CannotFix(Exception):
    """The fix could not be carried out (exit 1); the message says why and what to do."""

    exit_code = 1
