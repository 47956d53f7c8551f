"""MkDocs hooks (mkdocs.yml `hooks:`): what must happen to the HTML, after Markdown.

- Personal values: each marked subject value becomes a span or a template attribute
  (macros/personal.py), in the page's content (before the search index reads it) and in the
  whole page (navigation, table of contents, title).
- Code blocks that show no line numbers lose their invisible line anchors (macros/codeblocks.py).
- A page's `toc_depth:` front matter shortens its table of contents (macros/tocdepth.py).
- The in-page diagnosis: Pyodide and the diagnosis code are copied into the built site
  (macros/pyodide.py), once per build, from a cache that survives rebuilds.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:  # the hook is loaded from its file; `macros` is a package beside it
    sys.path.insert(0, _ROOT)

from mkdocs.exceptions import PluginError  # noqa: E402

from macros import codeblocks  # noqa: E402
from macros import personal  # noqa: E402
from macros import pyodide  # noqa: E402
from macros import tocdepth  # noqa: E402
from trustpub.config import subject_from_mapping  # noqa: E402
from trustpub.errors import BadInput  # noqa: E402


def on_config(config):
    try:
        subject = subject_from_mapping((config.get("extra") or {}).get("tp"), source=str(config.config_file_path))
    except BadInput:
        return config  # the macros plugin reports it, in one line
    config["extra"]["tp_personal_data"] = personal.data_map(subject)
    try:  # installed now (once), so the page can say how much the box loads
        pyodide.ensure_installed(pyodide.pyodide_version())
    except pyodide.PyodideError as exc:
        raise PluginError(str(exc)) from None
    return config


def on_page_content(html, page, config, files):
    return personal.to_html(codeblocks.drop_hidden_line_anchors(html))


def on_page_context(context, page, config, nav):
    try:
        tocdepth.apply(page)
    except ValueError as exc:
        raise PluginError(str(exc)) from None
    return context


def on_post_page(output, page, config):
    return personal.to_html(output)


def on_post_build(config):
    personal.clean_search_index(Path(config["site_dir"]))
    try:
        pyodide.install_into(Path(config["site_dir"]))
    except pyodide.PyodideError as exc:  # one line, not a traceback
        raise PluginError(str(exc)) from None
