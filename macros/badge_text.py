"""How wide a badge's text is, so its box fits it: advance widths of DejaVu Sans.

The badges (macros/badges.py) are SVG drawn at build time, so the box around a text
must be sized without a browser. The widths below are DejaVu Sans' advance widths
(the font the badge names after Verdana, and the one most Linux systems draw it
with), measured in Chromium at 110 px and given in thousandths of an em, rounded
up. tests/test_browser.py measures them again in the browser, so a wrong entry
fails there. The badge also sets `textLength` to this width: a reader whose
system draws the text in another font (Verdana is a little wider) still sees it
exactly filling its box instead of running over the edge.
"""

from __future__ import annotations

FONT_FAMILY = "Verdana,DejaVu Sans,sans-serif"
FONT_SIZE = 11  # px

# Thousandths of an em, printable ASCII.
ADVANCE = {
    ' ': 318, '!': 401, '"': 460, '#': 838, '$': 637, '%': 951, '&': 780, "'": 275, '(': 391, ')': 391,
    '*': 500, '+': 838, ',': 318, '-': 361, '.': 318, '/': 337, '0': 637, '1': 637, '2': 637, '3': 637,
    '4': 637, '5': 637, '6': 637, '7': 637, '8': 637, '9': 637, ':': 337, ';': 337, '<': 838, '=': 838,
    '>': 838, '?': 531, '@': 1000, 'A': 685, 'B': 687, 'C': 699, 'D': 771, 'E': 632, 'F': 576, 'G': 775,
    'H': 752, 'I': 295, 'J': 295, 'K': 656, 'L': 558, 'M': 863, 'N': 749, 'O': 788, 'P': 604, 'Q': 788,
    'R': 695, 'S': 635, 'T': 611, 'U': 732, 'V': 685, 'W': 989, 'X': 686, 'Y': 611, 'Z': 686, '[': 391,
    '\\': 337, ']': 391, '^': 838, '_': 500, '`': 500, 'a': 613, 'b': 635, 'c': 550, 'd': 635, 'e': 616,
    'f': 353, 'g': 635, 'h': 634, 'i': 278, 'j': 278, 'k': 580, 'l': 278, 'm': 975, 'n': 634, 'o': 612,
    'p': 635, 'q': 635, 'r': 412, 's': 521, 't': 393, 'u': 634, 'v': 592, 'w': 818, 'x': 592, 'y': 592,
    'z': 525, '{': 637, '|': 337, '}': 637, '~': 838,
}
# Any other character: a full em, as wide as a sans-serif glyph usually gets (CJK ideographs are one em).
OTHER = 1000


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Width in px of `text` set in DejaVu Sans at `size` px (no kerning: at most a few tenths of a px)."""
    return sum(ADVANCE.get(ch, OTHER) for ch in text) * size / 1000
