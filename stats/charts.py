"""Server-rendered SVG charts: no script, no web font, nothing fetched from elsewhere.

Each function returns safe markup for a ``<figure>``; every label is escaped."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cases.models import DestinationClass

CLASS_COLOURS = {
    DestinationClass.EMPLOYED: "#1e7b34",
    DestinationClass.FURTHER_STUDY: "#0b5cad",
    DestinationClass.NOT_EMPLOYED: "#b3261e",
    "": "#9aa5b1",
}
LABEL_WIDTH = 170
BAR_WIDTH = 330
ROW = 26


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(items: list[tuple[str, float, str]], *, title: str, testid: str) -> SafeString:
    """Horizontal bars: (label, value, value as shown) each, scaled to the largest value."""
    top = max((value for _label, value, _shown in items), default=0) or 1
    height = ROW * len(items) + 10
    width = LABEL_WIDTH + BAR_WIDTH + 90
    bars = format_html_join(
        "",
        '<g data-testid="bar"><text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="18" rx="2" fill="#0b5cad"><title>{}: {}</title>'
        '</rect><text x="{}" y="{}" font-size="12">{}</text></g>',
        (
            (
                LABEL_WIDTH - 6,
                10 + i * ROW + 13,
                _short(label),
                LABEL_WIDTH,
                10 + i * ROW,
                round(BAR_WIDTH * value / top),
                label,
                shown,
                LABEL_WIDTH + round(BAR_WIDTH * value / top) + 6,
                10 + i * ROW + 13,
                shown,
            )
            for i, (label, value, shown) in enumerate(items)
        ),
    )
    return format_html(
        '<figure class="chart" data-testid="{}"><svg role="img" width="{}" height="{}" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}</svg>'
        "</figure>",
        testid,
        width,
        height,
        width,
        height,
        title,
        bars,
    )


def stacked_chart(
    groups: list[tuple[str, list[int]]],
    *,
    series: list[tuple[str, str]],
    title: str,
    testid: str,
) -> SafeString:
    """One 100% bar per group, split into ``series`` ((label, colour) each), with a legend."""
    legend_height = 24
    height = legend_height + ROW * len(groups) + 10
    width = LABEL_WIDTH + BAR_WIDTH + 70
    legend = format_html_join(
        "",
        '<rect x="{}" y="4" width="12" height="12" fill="{}"></rect>'
        '<text x="{}" y="15" font-size="12">{}</text>',
        (
            (LABEL_WIDTH + i * 90, colour, LABEL_WIDTH + i * 90 + 16, label)
            for i, (label, colour) in enumerate(series)
        ),
    )
    parts = []
    for i, (label, values) in enumerate(groups):
        y = legend_height + i * ROW
        whole = sum(values)
        x = LABEL_WIDTH
        segments = []
        for (name, colour), value in zip(series, values, strict=True):
            width_of = round(BAR_WIDTH * value / whole) if whole else 0
            if width_of:
                segments.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="18" fill="{}">'
                        "<title>{} · {}: {}</title></rect>",
                        x,
                        y,
                        width_of,
                        colour,
                        label,
                        name,
                        value,
                    )
                )
            x += width_of
        parts.append(
            format_html(
                '<g data-testid="stack"><text x="{}" y="{}" text-anchor="end" font-size="12">{}'
                '</text>{}<text x="{}" y="{}" font-size="12">{}</text></g>',
                LABEL_WIDTH - 6,
                y + 13,
                _short(label),
                SafeString("".join(segments)),
                LABEL_WIDTH + BAR_WIDTH + 6,
                y + 13,
                whole,
            )
        )
    return format_html(
        '<figure class="chart" data-testid="{}"><svg role="img" width="{}" height="{}" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>{}{}</svg>'
        "</figure>",
        testid,
        width,
        height,
        width,
        height,
        title,
        legend,
        SafeString("".join(parts)),
    )
