"""Macros for the guide's pages (the site helper fills these in)."""

from __future__ import annotations


def register(env, subject) -> None:
    pass
