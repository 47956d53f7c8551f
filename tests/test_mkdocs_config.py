"""mkdocs.yml: the settings the guide relies on, read the way MkDocs reads them (load_config).

The built-site tests check the behaviour these produce; this module names each setting, so a
change to one fails here with the setting's name rather than somewhere in a page.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parent.parent
J2_MARKERS = {"j2_block_start_string": "[[%", "j2_block_end_string": "%]]",
              "j2_variable_start_string": "[[[", "j2_variable_end_string": "]]]",
              "j2_comment_start_string": "[[#", "j2_comment_end_string": "#]]"}


@pytest.fixture(scope="module")
def config():
    cwd = os.getcwd()
    os.chdir(ROOT)  # macros' module_name and the watch paths are relative to the config's folder
    try:
        return load_config(str(ROOT / "mkdocs.yml"))
    finally:
        os.chdir(cwd)


def test_strict_with_link_and_anchor_validation(config):
    assert config["strict"] is True
    links = config["validation"]["links"]
    assert links["not_found"] == links["anchors"] == links["absolute_links"] == 30  # logging.WARNING: fails strict


def test_material_theme_features_palette_and_no_google_fonts(config):
    theme = config["theme"]
    assert theme.name == "material" and theme["font"] is False
    features = set(theme["features"])
    for wanted in ("navigation.tabs", "navigation.sections", "navigation.instant", "navigation.footer",
                   "navigation.top", "content.code.copy", "content.code.annotate", "content.tabs.link"):
        assert wanted in features, wanted
    schemes = [p["scheme"] for p in theme["palette"]]
    assert schemes == ["default", "slate"] and all(p.get("toggle") for p in theme["palette"])


def test_macros_keep_github_and_bash_text_intact_and_fail_on_typos(config):
    macros = config["plugins"]["macros"].config
    for key, value in J2_MARKERS.items():
        assert macros[key] == value, key
    assert macros["on_undefined"] == "strict" and macros["on_error_fail"] is True
    # The pages show GitHub's `${{ }}` (the included workflow) and bash's `${#x}` as text: they reach
    # the reader intact because no marker is Jinja's default or a prefix of that text.
    shown = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert "${{" in shown
    for marker in J2_MARKERS.values():
        assert marker not in ("{{", "}}", "{%", "%}", "{#", "#}") and marker not in shown, marker


def test_search_snippets_mermaid_tabs_and_admonitions(config):
    assert "material/search" in config["plugins"]  # `- search` resolves to Material's
    extensions = config["markdown_extensions"]
    for wanted in ("admonition", "pymdownx.details", "pymdownx.tabbed", "pymdownx.superfences",
                   "pymdownx.snippets", "pymdownx.highlight"):
        assert wanted in extensions, wanted
    mdx = config["mdx_configs"]
    assert mdx["pymdownx.snippets"]["check_paths"] is True
    assert [f["name"] for f in mdx["pymdownx.superfences"]["custom_fences"]] == ["mermaid"]
    assert mdx["pymdownx.tabbed"]["alternate_style"] is True


def test_serve_watches_macros_scripts_and_workflows(config):
    watched = {Path(p).resolve() for p in config["watch"]}
    for folder in ("macros", "scripts", ".github/workflows"):
        assert (ROOT / folder).resolve() in watched, folder


def test_mermaid_is_served_by_the_site(config):
    scripts = [str(s) for s in config["extra_javascript"]]
    # personal.js fills in the reader's values; diagnose-page.js waits for the troubleshooting box.
    assert scripts == ["assets/javascripts/mermaid-loader.js", "assets/javascripts/personal.js",
                       "assets/javascripts/diagnose-page.js"]
    assert (ROOT / "docs" / "assets" / "javascripts" / "mermaid.min.js").stat().st_size > 1_000_000


def test_hooks_mark_personal_values_and_ship_pyodide(config):
    # macros/hooks.py: personal-value markers become spans after Markdown; Pyodide goes into the site.
    assert [Path(h.__file__).resolve() for h in config["hooks"].values()] == [(ROOT / "macros" / "hooks.py").resolve()]
