"""Charts as inline SVG, drawn on the server: no scripts, no external assets (the pages and the PDF
reports work under a strict CSP and offline). Every text in them comes from the caller, already in the
reader's language. Each chart comes with a table of its figures for readers who cannot see it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

ON_TIME, LATE, UNANSWERED, RECEIVED = "#2e7d4f", "#e0a030", "#c0392b", "#5b8db8"


@dataclass(frozen=True)
class Segment:
    label: str
    value: int
    colour: str


def _legend(segments: Sequence[tuple[str, str]], y: int) -> str:
    parts, x = [], 0
    for label, colour in segments:
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16}" y="{y + 11}" font-size="12">{escape(label)}</text>')
        x += 28 + 7 * len(label)
    return "".join(parts)


def stacked_bars(rows: Sequence[tuple[str, Sequence[Segment]]], *, title: str, width: int = 720) -> SafeString:
    """One horizontal bar per row, its segments stacked in proportion to the row's total."""
    label_width, bar_height, gap = 220, 20, 8
    plot = width - label_width - 110
    height = len(rows) * (bar_height + gap) + 40
    body = []
    for i, (label, segments) in enumerate(rows):
        y = i * (bar_height + gap)
        total = sum(s.value for s in segments)
        body.append(f'<text x="{label_width - 8}" y="{y + 15}" font-size="12" text-anchor="end">'
                    f'{escape(label[:34])}</text>')
        x = float(label_width)
        for segment in segments:
            if not total or not segment.value:
                continue
            w = plot * segment.value / total
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{segment.colour}">'
                        f'<title>{escape(segment.label)}: {segment.value}</title></rect>')
            x += w
        body.append(f'<text x="{label_width + plot + 6}" y="{y + 15}" font-size="12">{_number(total)}</text>')
    legend = [(s.label, s.colour) for s in rows[0][1]] if rows else []
    body.append(_legend(legend, len(rows) * (bar_height + gap) + 10))
    return format_html('<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
                       'xmlns="http://www.w3.org/2000/svg">{}</svg>', title, width, height, mark_safe("".join(body)))


def value_bars(rows: Sequence[tuple[str, float | None]], *, title: str, unit: str = "%", maximum: float = 100.0,
               colour: str = ON_TIME, width: int = 720) -> SafeString:
    """One horizontal bar per row, its length the row's value (a share in percent by default)."""
    label_width, bar_height, gap = 300, 18, 6
    plot = width - label_width - 70
    height = max(1, len(rows)) * (bar_height + gap)
    body = []
    for i, (label, value) in enumerate(rows):
        y = i * (bar_height + gap)
        body.append(f'<text x="{label_width - 8}" y="{y + 14}" font-size="12" text-anchor="end">'
                    f'{escape(label[:48])}</text>')
        if value is None:
            body.append(f'<text x="{label_width}" y="{y + 14}" font-size="12">—</text>')
            continue
        w = plot * min(float(value), maximum) / maximum if maximum else 0
        shown = f"{value if unit == '%' else _number(float(value))}{unit}"
        body.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{colour}">'
                    f'<title>{escape(label)}: {shown}</title></rect>'
                    f'<text x="{label_width + w + 6:.1f}" y="{y + 14}" font-size="12">{shown}</text>')
    return format_html('<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
                       'xmlns="http://www.w3.org/2000/svg">{}</svg>', title, width, height, mark_safe("".join(body)))


def columns(periods: Sequence[str], series: Sequence[tuple[str, str, Sequence[int]]], *, title: str,
            width: int = 720, height: int = 220) -> SafeString:
    """Grouped columns per period: one column per series (label, colour, values)."""
    top, bottom, left = 10, 40, 40
    plot_h = height - top - bottom
    highest = max([v for _label, _colour, values in series for v in values] or [0]) or 1
    group_w = (width - left - 10) / max(1, len(periods))
    col_w = max(4.0, min(28.0, (group_w - 8) / max(1, len(series))))
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#999"/>',
            f'<text x="{left - 4}" y="{top + 10}" font-size="11" text-anchor="end">{highest}</text>',
            f'<text x="{left - 4}" y="{top + plot_h}" font-size="11" text-anchor="end">0</text>']
    for i, period in enumerate(periods):
        x0 = left + i * group_w + 4
        for j, (label, colour, values) in enumerate(series):
            value = values[i]
            h = plot_h * value / highest
            x = x0 + j * col_w
            body.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{col_w - 2:.1f}" height="{h:.1f}" '
                        f'fill="{colour}"><title>{escape(period)} · {escape(label)}: {value}</title></rect>')
        body.append(f'<text x="{x0 + group_w / 2 - 4:.1f}" y="{top + plot_h + 14}" font-size="11" '
                    f'text-anchor="middle">{escape(period)}</text>')
    body.append(_legend([(label, colour) for label, colour, _values in series], height - 16))
    return format_html('<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
                       'xmlns="http://www.w3.org/2000/svg">{}</svg>', title, width, height, mark_safe("".join(body)))


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f") if abs(value) >= 10000 else f"{value:g}"


def lines(periods: Sequence[str], series: Sequence[tuple[str, str, Sequence[float | None]]], *, title: str,
          width: int = 720, height: int = 240) -> SafeString:
    """A line per series (label, colour, values; None leaves a gap) over the periods: time series."""
    top, bottom, left, right = 12, 44, 64, 12
    plot_h, plot_w = height - top - bottom, width - left - right
    values = [v for _label, _colour, vs in series for v in vs if v is not None]
    highest = max(values or [0]) or 1
    step = plot_w / max(1, len(periods) - 1)
    every = max(1, -(-len(periods) // 12))  # at most about 12 period labels
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#999"/>',
            f'<text x="{left - 4}" y="{top + 10}" font-size="11" text-anchor="end">{_number(highest)}</text>',
            f'<text x="{left - 4}" y="{top + plot_h}" font-size="11" text-anchor="end">0</text>']
    for i, period in enumerate(periods):
        if i % every == 0 or i == len(periods) - 1:
            body.append(f'<text x="{left + i * step:.1f}" y="{top + plot_h + 14}" font-size="11" '
                        f'text-anchor="middle">{escape(period)}</text>')
    for label, colour, vs in series:
        run: list[str] = []
        for i, value in enumerate(list(vs) + [None]):
            if value is None:
                if len(run) > 1:
                    body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(run)}"/>')
                run = []
                continue
            x, y = left + i * step, top + plot_h - plot_h * value / highest
            run.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"><title>{escape(periods[i])} · '
                        f'{escape(label)}: {_number(value)}</title></circle>')
    body.append(_legend([(label, colour) for label, colour, _values in series], height - 16))
    return format_html('<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
                       'xmlns="http://www.w3.org/2000/svg">{}</svg>', title, width, height, mark_safe("".join(body)))
