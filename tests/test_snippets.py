"""Every code block a reader sees in the guide parses in its language.

Blocks are taken from each page's Markdown after the macros ran and
pymdownx.snippets includes were expanded (tests/_rendered.py), with a
CommonMark lexer, including blocks nested in admonitions and content tabs.
Test ids are `<page>:<source line>:<language>`; for a block produced by a macro
the line is the macro call's. A language without a checker below fails.
"""

from __future__ import annotations

import configparser
import json
import subprocess
import tomllib
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from _rendered import Fence, PageFence, collect_fences, console_commands, page_fences, parse_html, parse_info, \
    shared_build, unique_ids


# ---------------------------------------------------------------------------
# Checkers: each raises AssertionError (or the parser's own error) with a reason
# ---------------------------------------------------------------------------

@cache
def github_workflow_schema() -> dict:
    import check_jsonschema
    path = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" / "github-workflows.json"
    return json.loads(path.read_text(encoding="utf-8"))


def is_workflow(doc) -> bool:
    return isinstance(doc, dict) and "on" in doc and "jobs" in doc


def check_yaml(text: str) -> None:
    docs = list(YAML(typ="safe", pure=True).load_all(text))
    assert docs, "empty YAML"
    for doc in docs:
        if is_workflow(doc):
            schema = github_workflow_schema()
            validator = jsonschema.validators.validator_for(schema)(schema)
            errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
            assert not errors, "not a valid GitHub workflow:\n" + "\n".join(
                f"  at {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors[:10])


def bash_n(script: str) -> None:
    res = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, f"bash -n: {res.stderr.strip()}"


def check_bash(text: str) -> None:
    assert text.strip(), "empty shell block"
    bash_n(text)


def check_console(text: str) -> None:
    commands = console_commands(text)
    assert commands.strip(), "console block with no `$ ` or `# ` prompt line"
    bash_n(commands)


def check_toml(text: str) -> None:
    tomllib.loads(text)


def check_ini(text: str) -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    assert parser.sections(), "INI with no [section]"


def check_python(text: str) -> None:
    compile(text, "<docs>", "exec")


def check_pycon(text: str) -> None:
    lines = [line[4:] for line in text.split("\n") if line.startswith((">>> ", "... ")) or line in (">>>", "...")]
    assert lines, "pycon block with no `>>> ` prompt"
    compile("\n".join(lines) + "\n", "<docs>", "exec")


def check_json(text: str) -> None:
    json.loads(text)


def check_text(text: str) -> None:
    assert text.strip(), "empty text block"


MERMAID_TYPES = {
    "graph", "flowchart", "sequenceDiagram", "classDiagram", "stateDiagram", "stateDiagram-v2",
    "erDiagram", "journey", "gantt", "pie", "gitGraph", "mindmap", "timeline", "quadrantChart",
    "requirementDiagram", "C4Context", "C4Container", "C4Component", "C4Dynamic", "C4Deployment",
    "sankey-beta", "xychart-beta", "block-beta", "packet-beta", "architecture-beta", "kanban",
}


def check_mermaid(text: str) -> None:
    lines = [line.strip() for line in text.split("\n")]
    if lines and lines[0] == "---":  # front matter
        end = lines.index("---", 1)
        lines = lines[end + 1:]
    lines = [line for line in lines if line and not line.startswith("%%")]
    assert lines, "empty mermaid block"
    kind = lines[0].split()[0]
    assert kind in MERMAID_TYPES, f"mermaid diagram type {kind!r} is not one mermaid knows"


PS_CLOSERS = {"(": ")", "{": "}", "[": "]"}


def check_powershell(text: str) -> None:
    """PowerShell has no parser here: check what a parser would reject first, strings and brackets.

    Quotes ('…' with '' escapes, "…" with backtick escapes, here-strings @'…'@ / @"…"@),
    comments (# to end of line, <# … #>) and (), {}, [] nesting outside strings and comments.
    """
    assert text.strip(), "empty PowerShell block"
    stack: list[tuple[str, int]] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
        elif text.startswith(("@'", '@"'), i) and text[i + 2:i + 3] == "\n":
            end = text.find("\n" + text[i + 1] + "@", i + 2)
            assert end >= 0, f"line {line}: here-string never closed"
            line += text.count("\n", i, end + 1)
            i = end + 3
            continue
        elif c == "'" or c == '"':
            j = i + 1
            while j < n:
                if c == '"' and text[j] == "`":
                    j += 2
                    continue
                if text[j] == c:
                    if text[j + 1:j + 2] == c:  # doubled quote: an escaped quote
                        j += 2
                        continue
                    break
                j += 1
            assert j < n, f"line {line}: string {text[i:i + 20]!r}… never closed"
            line += text.count("\n", i, j)
            i = j + 1
            continue
        elif text.startswith("<#", i):
            end = text.find("#>", i + 2)
            assert end >= 0, f"line {line}: <# comment never closed"
            line += text.count("\n", i, end)
            i = end + 2
            continue
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif c == "`":  # escape: the next character is literal
            i += 2
            continue
        elif c in PS_CLOSERS:
            stack.append((c, line))
        elif c in PS_CLOSERS.values():
            assert stack and PS_CLOSERS[stack[-1][0]] == c, f"line {line}: unexpected {c!r}"
            stack.pop()
        i += 1
    assert not stack, f"line {stack[-1][1]}: {stack[-1][0]!r} never closed"


def check_diff(text: str) -> None:
    for n, line in enumerate(text.rstrip("\n").split("\n"), 1):
        assert line == "" or line[0] in " +-@\\" or line.startswith(("diff ", "index ")), \
            f"line {n} of the diff starts with none of ' +-@': {line!r}"


CHECKERS = {
    "yaml": check_yaml, "yml": check_yaml,
    "bash": check_bash, "sh": check_bash, "shell": check_bash,
    "console": check_console, "shell-session": check_console,
    "toml": check_toml,
    "ini": check_ini, "cfg": check_ini, "pypirc": check_ini, "dosini": check_ini,
    "python": check_python, "py": check_python, "python3": check_python,
    "pycon": check_pycon,
    "json": check_json,
    "diff": check_diff,
    "powershell": check_powershell, "pwsh": check_powershell, "ps1": check_powershell,
    "text": check_text,
    "mermaid": check_mermaid,
}


def check_block(fence: Fence) -> None:
    assert fence.fenced, "indented code block: use a fence with a language so the block can be checked"
    assert fence.lang, f"fence without a language (info string {fence.info!r})"
    checker = CHECKERS.get(fence.lang)
    assert checker, f"no checker for language {fence.lang!r}: add one to tests/test_snippets.py"
    checker(fence.content)


# ---------------------------------------------------------------------------
# The blocks of the real site, one test each
# ---------------------------------------------------------------------------

def pytest_generate_tests(metafunc):
    if "page_fence" not in metafunc.fixturenames:
        return
    build = shared_build(metafunc.config)
    if not build.ok:
        metafunc.parametrize("page_fence", [None], ids=["site-build-failed"])
        return
    items = page_fences(build)
    metafunc.parametrize("page_fence", items or [None], ids=unique_ids(items) if items else ["no-code-blocks"])


def test_code_block_parses(page_fence: PageFence | None, request):
    if page_fence is None:
        build = shared_build(request.config)
        assert build.ok, "the site did not build:\n" + build.log[-4000:]
        pytest.fail("the built site has no code blocks at all: the collector is broken")
    check_block(page_fence.fence)


def test_collector_finds_as_many_blocks_as_the_built_html_has(request):
    """Per page: the blocks collected from the Markdown are the `<pre><code>` blocks the reader gets."""
    build = shared_build(request.config)
    assert build.ok, "the site did not build:\n" + build.log[-4000:]
    collected: dict[str, int] = {}
    for pf in page_fences(build):
        collected[pf.page] = collected.get(pf.page, 0) + 1
    mismatched = {}
    for page in build.pages:
        in_html = len(parse_html(build.site / page["dest_path"]).code_blocks)
        if in_html != collected.get(page["src_path"], 0):
            mismatched[page["src_path"]] = {"collected": collected.get(page["src_path"], 0), "html": in_html}
    assert not mismatched, mismatched


def test_site_has_the_expected_kinds_of_blocks(request):
    """The collector finds the guide's workflow YAML and shell commands (guards against collecting nothing)."""
    build = shared_build(request.config)
    assert build.ok, "the site did not build:\n" + build.log[-4000:]
    langs = {pf.fence.lang for pf in page_fences(build)}
    assert "yaml" in langs and langs & {"bash", "console", "sh", "shell"}, langs


# ---------------------------------------------------------------------------
# The collector and the checkers themselves
# ---------------------------------------------------------------------------

TRICKY = '''\
# Title

```yaml title="release.yml" hl_lines="3 4"
a: 1
```

!!! note "In an admonition"
    Some text.
    ```bash
    echo one
    ```

=== "Linux"

    ```ini
    [pypi]
    username = __token__
    ```

    ??? tip "Nested collapsible"
        ```toml
        k = 1
        ```

=== "Windows"
    ````markdown
    !!! note
        ```python
        not a block of this page
        ```
    ````

1. A list item

    ```json
    {"a": 1}
    ```

``` { .python title="x.py" }
x = 1
```

~~~console
$ echo two
two
~~~

    indented code
'''


def test_collector_finds_blocks_in_containers_lists_and_attribute_fences():
    got = [(f.line, f.lang, f.title, f.content, f.fenced) for f in collect_fences(TRICKY)]
    assert got == [
        (3, "yaml", "release.yml", "a: 1\n", True),
        (9, "bash", None, "echo one\n", True),
        (15, "ini", None, "[pypi]\nusername = __token__\n", True),
        (21, "toml", None, "k = 1\n", True),
        (26, "markdown", None, "!!! note\n    ```python\n    not a block of this page\n    ```\n", True),
        (35, "json", None, '{"a": 1}\n', True),
        (39, "python", "x.py", "x = 1\n", True),
        (43, "console", None, "$ echo two\ntwo\n", True),
        (48, "", None, "indented code\n", False),
    ]


NESTED_IN_LISTS = """\
1. Step

    !!! note
        ```bash
        x
        ```

2. Next

    === "A"

        ```toml
        a = 1
        ```

> quote
> ```json
> {}
> ```
"""


def test_collector_finds_containers_nested_in_lists_and_quotes():
    got = [(f.line, f.lang, f.content) for f in collect_fences(NESTED_IN_LISTS)]
    assert got == [(4, "bash", "x\n"), (12, "toml", "a = 1\n"), (17, "json", "{}\n")]


@pytest.mark.parametrize("info, lang, title", [
    ('yaml title="release.yml" hl_lines="3 4"', "yaml", "release.yml"),
    ("Bash", "bash", None),
    ('{.toml title="pyproject.toml"}', "toml", "pyproject.toml"),
    ('title="x"', "", "x"),
    ("", "", None),
])
def test_parse_info(info, lang, title):
    assert parse_info(info) == (lang, title)


def test_console_commands_strip_prompts_and_keep_continuations():
    text = "$ git tag v1 \\\n    -m msg\noutput line\n# apt-get install x\n$ echo done\n"
    assert console_commands(text) == "git tag v1 \\\n    -m msg\napt-get install x\necho done"


WORKFLOW_OK = """\
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-24.04
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@release/v1
"""


@pytest.mark.parametrize("lang, text", [
    ("yaml", "a: [1, 2"),
    ("yaml", WORKFLOW_OK.replace("runs-on: ubuntu-24.04", "runs_on: ubuntu-24.04")),
    ("yaml", WORKFLOW_OK.replace("id-token: write", "id-token: always")),
    ("bash", "if true; then echo x"),
    ("console", "$ echo 'unterminated\noutput"),
    ("console", "just output, no prompt"),
    ("toml", "a = "),
    ("ini", "username = x"),
    ("python", "def f(:"),
    ("json", "{'a': 1}"),
    ("mermaid", "sequenceDiagrm\n  A->>B: hi"),
    ("text", "\n"),
    ("diff", "+a\nplain line"),
    ("powershell", 'Remove-Item "$env:USERPROFILE\\.pypirc'),
    ("powershell", "if ($a) { Write-Host 'x' "),
    ("powershell", "Get-Item (Join-Path $HOME '.pypirc'))"),
    ("rust", "fn main() {}"),
    ("", "no language"),
])
def test_checkers_reject_broken_blocks(lang, text):
    with pytest.raises(Exception):
        check_block(Fence(line=1, lang=lang, info=lang, content=text))


@pytest.mark.parametrize("lang, text", [
    ("yaml", WORKFLOW_OK),
    ("yaml", "a: 1\n---\nb: 2\n"),
    ("bash", 'echo "${GITHUB_REF#refs/tags/}"\n'),
    ("console", "$ python -m build\nSuccessfully built x.tar.gz\n"),
    ("toml", '[project]\nname = "x"\n'),
    ("ini", "[pypi]\nusername = __token__\n"),
    ("python", "import sys\n"),
    ("json", '{"a": 1}'),
    ("mermaid", "%% comment\nsequenceDiagram\n  A->>B: hi\n"),
    ("diff", "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"),
    ("powershell", "notepad $env:USERPROFILE\\.pypirc\n"),
    ("powershell", "# a comment with ( and '\nif (Test-Path \"$HOME\\.pypirc\") { Write-Host \"it's `\"here`\"\" }\n"),
    ("powershell", "$s = @'\nit's ( raw\n'@\n<# block ( #>\nWrite-Host 'don''t'\n"),
])
def test_checkers_accept_valid_blocks(lang, text):
    check_block(Fence(line=1, lang=lang, info=lang, content=text))


# ---------------------------------------------------------------------------
# The build recorder, on a tiny project
# ---------------------------------------------------------------------------

TINY_CONFIG = """\
site_name: tiny
strict: true
markdown_extensions:
  - admonition
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: ["."]
      check_paths: true
"""

TINY_PAGE = """\
# Tiny

=== "Included"

    ```toml
    --8<-- "snippet.toml"
    ```
"""


def test_recorder_expands_snippets_and_strict_build_fails_on_a_warning(tmp_path):
    from _rendered import build_site

    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(TINY_CONFIG)
    (tmp_path / "snippet.toml").write_text('name = "from the snippet"\n')
    (tmp_path / "docs" / "index.md").write_text(TINY_PAGE)
    good = build_site(tmp_path / "good", config_file=tmp_path / "mkdocs.yml")
    assert good.ok, good.log
    fences = collect_fences(good.page("index.md")["markdown"])
    assert [(f.lang, f.content.strip()) for f in fences] == [("toml", 'name = "from the snippet"')]

    (tmp_path / "docs" / "index.md").write_text(TINY_PAGE + "\n[broken](missing.md)\n")
    bad = build_site(tmp_path / "bad", config_file=tmp_path / "mkdocs.yml")
    assert not bad.ok and "missing.md" in bad.log, bad.log
