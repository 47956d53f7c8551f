"""Code blocks that show no line numbers carry no line anchors.

`anchor_linenums` (pymdownx.highlight in mkdocs.yml) makes the line numbers of the included
workflows links (`#__codelineno-0-12`), so a reader can link to one line. For that, Pygments puts
a named anchor on every line of every block, numbers shown or not. In a block without numbers
those anchors cannot be seen or clicked; on the troubleshooting page (a log example for each
diagnosis case) they were about a tenth of the HTML. They are dropped there. The line spans
(`__span-…`) stay: personal.js marks the lines that show a reader's own values with them.
"""

from __future__ import annotations

import re

# Pygments' code element as pymdownx.highlight writes it (`wrapcode=True`), up to its end.
_CODE_BLOCK_RE = re.compile(r"(<code(?: [^>]*)?>)(.*?)(</code>)", re.DOTALL)
_LINE_ANCHOR_RE = re.compile(r'<a id="__codelineno-[\w-]+" name="__codelineno-[\w-]+" href="#__codelineno-[\w-]+"></a>')
_LINE_NUMBER = "data-linenos="  # pymdownx-inline line numbers: <span class="linenos" data-linenos="12 ">


def _strip(match: re.Match) -> str:
    body = match.group(2)
    if _LINE_NUMBER in body or "__codelineno-" not in body:
        return match.group(0)
    return match.group(1) + _LINE_ANCHOR_RE.sub("", body) + match.group(3)


def drop_hidden_line_anchors(html: str) -> str:
    """`html` without the line anchors of the code blocks that show no line numbers."""
    if "__codelineno-" not in html:
        return html
    return _CODE_BLOCK_RE.sub(_strip, html)
