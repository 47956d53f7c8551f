"""mkdocs-macros entry point: `define_env` only registers thin macros.

Each module beside this one holds plain functions (tested without MkDocs) and a
`register(env, subject)` that wraps them with `@env.macro`.
"""

from __future__ import annotations

from macros import action_pins
from macros import checklist
from macros import diagnose_page
from macros import jinja_cache
from macros import personal
from macros import site
from macros import troubleshooting
from macros.badges import cache_root
from mkdocs.exceptions import PluginError

from trustpub.config import subject_from_mapping
from trustpub.errors import BadInput


def define_env(env) -> None:
    try:
        subject = subject_from_mapping((env.conf.get("extra") or {}).get("tp"), source=str(env.conf.config_file_path))
    except BadInput as exc:  # one line naming the key, not a traceback
        raise PluginError(str(exc)) from None
    # Pages see the subject with every value marked (macros/personal.py): the reader's own values
    # replace them in the browser. The macros that ask PyPI or run scripts get the plain subject.
    env.variables["tp"] = personal.marked(subject)
    site.register(env, subject)
    action_pins.register(env, site.ROOT)
    personal.mark_example_workflows(env, subject)
    checklist.register(env, personal.marked(subject))
    troubleshooting.register(env, subject)
    diagnose_page.register(env)


def on_pre_page_macros(env) -> None:
    """Before a page is rendered: its compiled Jinja code comes from the disk cache when the page is
    unchanged (the plugin makes its Jinja environment after `define_env`, so it is set up here)."""
    jinja_cache.install(env.env, cache_root(site.ROOT) / jinja_cache.CACHE_SUBDIR)


def on_post_build(env) -> None:
    """After the build: the site module writes the live badges into the built pages."""
    site.on_post_build(env)
