"""macros/badge_text.py and the badge SVG built with it: every text has room in its box.

The widths themselves are measured again in Chromium by tests/test_browser.py.
"""

from __future__ import annotations

import re

import pytest

from macros.badge_text import ADVANCE, FONT_SIZE, OTHER, text_width
from macros.badges import TEXT_PADDING, render_badge

# The texts the badges show: the python badge once ran over its box.
TEXTS = ["PyPI", "TestPyPI", "9.8.7", "python", "3.11 | 3.12 | 3.13", "3.8 | 3.9 | 3.10 | 3.11 | 3.12 | 3.13 | 3.14",
         ">=3.11", "released", "2025-03-14", "unavailable", "offline", "unknown", "WWW@mm", "iiii||||"]


def test_every_printable_ascii_character_has_a_width():
    assert set(ADVANCE) == {chr(c) for c in range(32, 127)}
    assert all(200 < w <= 1000 for w in ADVANCE.values())


def test_width_adds_the_characters_advances():
    assert text_width("") == 0
    assert text_width("1") == pytest.approx(637 * FONT_SIZE / 1000)
    assert text_width("m") > text_width("n") > text_width("i")  # not one width for every letter
    assert text_width("|") < text_width("3")
    assert text_width("\u00e9") == OTHER * FONT_SIZE / 1000
    assert text_width("ab", size=22) == pytest.approx(2 * text_width("ab"))


def _halves(svg: str) -> list[tuple[float, float, float, float]]:
    """(box x, box width, text centre, text length) of each half of a badge."""
    rects = [(float(x or 0), float(w)) for x, w in re.findall(r'<rect (?:x="([\d.]+)" )?width="([\d.]+)" height="20" rx', svg)]
    texts = [(float(x), float(n)) for x, n in re.findall(r'<text x="([\d.]+)" y="14" textLength="([\d.]+)"', svg)]
    assert len(rects) == 2 and len(texts) == 2, svg
    return [(bx, bw, tx, tl) for (bx, bw), (tx, tl) in zip(rects, texts)]


@pytest.mark.parametrize("value", TEXTS)
def test_each_text_fits_its_half_with_padding(value):
    svg = render_badge("python", value)
    total = float(re.search(r'<svg [^>]*width="([\d.]+)"', svg).group(1))
    halves = _halves(svg)
    for (box_x, box_w, centre, length), text in zip(halves, ("python", value)):
        assert length == pytest.approx(text_width(text), abs=0.01)
        assert centre == pytest.approx(box_x + box_w / 2)
        assert centre - length / 2 >= box_x + TEXT_PADDING - 0.01, (text, box_x, box_w, length)
        assert centre + length / 2 <= box_x + box_w - TEXT_PADDING + 0.01, (text, box_x, box_w, length)
    assert halves[1][0] == halves[0][1] and halves[1][0] + halves[1][1] == total
    assert 'lengthAdjust="spacingAndGlyphs"' in svg


def test_a_wider_text_makes_a_wider_badge():
    def width(value):
        return float(re.search(r'<svg [^>]*width="([\d.]+)"', render_badge("python", value)).group(1))

    assert width("3.11 | 3.12 | 3.13") < width("3.11 | 3.12 | 3.13 | 3.14")
    assert width("iiii") < width("mmmm")
