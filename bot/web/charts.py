"""Server-drawn SVG bar charts (no script, no external assets); every text is escaped."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_COLOUR = "#154273"  # the page's blue; contrast with white 10:1
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#d5dce4"
WIDTH = 400
LABEL_WIDTH = 172
VALUE_WIDTH = 56
FONT = 14
LINE = 16
_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, the value drawn (None draws no bar: suppressed or unknown) and the text shown."""

    label: str
    value: float | None
    text: str


def wrap(label: str, width: int = 22) -> list[str]:
    """A label on one line, or split over two lines as evenly as the words allow; a second line that is
    still too long is cut with an ellipsis."""
    words = label.split()
    if len(label) <= width or len(words) < 2:
        return [label if len(label) <= width + 6 else label[: width + 5] + "…"]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(splits, key=lambda pair: (max(len(pair[0]), len(pair[1])), len(pair[1])))
    if len(first) > width:
        first = first[: width - 1] + "…"
    if len(second) > width:
        second = second[: width - 1].rstrip() + "…"
    return [first, second]


def _open_svg(title: str, description: str, width: int, height: int) -> list[str]:
    n = next(_ids)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(title)}" aria-describedby="chart-desc-{n}" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">',
        f"<title>{escape(title)}</title>",
        f'<desc id="chart-desc-{n}">{escape(description)}</desc>',
    ]


def _summary(bars: Sequence[Bar]) -> str:
    return "; ".join(f"{b.label}: {b.text}" for b in bars)


def bar_chart(title: str, bars: Sequence[Bar], *, max_value: float | None = None) -> Markup:
    """Horizontal bars, one row per category, with the shown value beside each bar."""
    rows = [wrap(b.label) for b in bars]
    heights = [max(len(r), 1) * LINE + 12 for r in rows]
    height = max(sum(heights) + 8, 40)
    top = max([b.value for b in bars if b.value is not None] + [max_value or 0, 0])
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = _open_svg(title, _summary(bars), WIDTH, height)
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="4" x2="{LABEL_WIDTH}" y2="{height - 4}" stroke="{GRID_COLOUR}"/>')
    y = 4
    for bar, lines, h in zip(bars, rows, heights, strict=True):
        mid = y + h / 2
        first = mid - (len(lines) - 1) * LINE / 2 + FONT * 0.35
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{first:.1f}" text-anchor="end" font-size="{FONT - 1}" '
                     f'fill="{TEXT_COLOUR}">')
        parts += [f'<tspan x="{LABEL_WIDTH - 8}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
                  for i, line in enumerate(lines)]
        parts.append("</text>")
        length = 0.0
        if bar.value is not None and top > 0:
            length = max(area * bar.value / top, 1.0 if bar.value > 0 else 0.0)
        if length > 0:
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{mid - 9:.1f}" width="{length:.1f}" height="18" '
                         f'fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{mid + FONT * 0.35:.1f}" '
                     f'fill="{TEXT_COLOUR}">{escape(bar.text)}</text>')
        y += h
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(title: str, bars: Sequence[Bar], *, every: int | None = None) -> Markup:
    """Vertical columns in order (months), the value above each column, every `every`-th label below."""
    height = 220
    base = height - 40
    n = max(len(bars), 1)
    step = (WIDTH - 16) / n
    every = every or max(1, -(-n // 12))
    top = max([b.value for b in bars if b.value is not None] + [0])
    parts = _open_svg(title, _summary(bars), WIDTH, height)
    parts.append(f'<line x1="8" y1="{base}" x2="{WIDTH - 8}" y2="{base}" stroke="{GRID_COLOUR}"/>')
    small = FONT - 2
    for i, bar in enumerate(bars):
        x = 8 + i * step
        centre = x + step / 2
        h = 0.0
        if bar.value is not None and top > 0:
            h = max((base - 24) * bar.value / top, 1.0 if bar.value > 0 else 0.0)
        if h > 0:
            parts.append(f'<rect x="{x + step * 0.15:.1f}" y="{base - h:.1f}" width="{step * 0.7:.1f}" '
                         f'height="{h:.1f}" fill="{BAR_COLOUR}"/>')
        if n <= 18 or i % every == 0:
            parts.append(f'<text x="{centre:.1f}" y="{base - h - 4:.1f}" text-anchor="middle" '
                         f'font-size="{small}" fill="{TEXT_COLOUR}">{escape(bar.text)}</text>')
        if i % every == 0:
            label, _, sub = bar.label.partition(" ")
            parts.append(f'<text x="{centre:.1f}" y="{base + 16}" text-anchor="middle" font-size="{small}" '
                         f'fill="{TEXT_COLOUR}">{escape(label)}</text>')
            if sub:
                parts.append(f'<text x="{centre:.1f}" y="{base + 31}" text-anchor="middle" font-size="{small}" '
                             f'fill="{TEXT_COLOUR}">{escape(sub)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
