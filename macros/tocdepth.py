"""A page's `toc_depth:` (front matter): its table of contents stops at that heading level.

The troubleshooting page has a section per known error (about eighty `###` headings); listed
in both of Material's tables of contents they were a sixth of the page's weight, and a list that
long does not help a reader who has the error text (the paste box and search find the case).
"""

from __future__ import annotations

META_KEY = "toc_depth"


def prune(items: list, depth: int) -> None:
    """Drop, in place, the entries of `items` (MkDocs AnchorLinks, `level` = heading level) below `depth`."""
    items[:] = [item for item in items if item.level <= depth]
    for item in items:
        prune(item.children, depth)


def apply(page) -> None:
    depth = (page.meta or {}).get(META_KEY)
    if depth is None:
        return
    if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= 6:
        raise ValueError(f"{page.file.src_path}: `{META_KEY}` must be a heading level from 1 to 6, not {depth!r}")
    prune(page.toc.items, depth)
