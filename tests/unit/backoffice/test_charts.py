"""SVG bar charts: accessible, escaped, and suppressed values drawn without a bar."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bot.web.charts import Bar, bar_chart, column_chart, wrap

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def test_a_bar_chart_is_an_image_with_a_title_and_a_description_of_every_value() -> None:
    svg = parse(bar_chart("Meldingen naar vorm", [Bar("Verbaal", 12, "12"), Bar("Fysiek", 3, "3")]))
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Meldingen naar vorm"
    assert svg.findtext(f"{SVG}title") == "Meldingen naar vorm"
    assert svg.findtext(f"{SVG}desc") == "Verbaal: 12; Fysiek: 3"
    assert len(svg.findall(f"{SVG}rect")) == 2


def test_bars_are_proportional_to_their_values() -> None:
    svg = parse(bar_chart("x", [Bar("a", 10, "10"), Bar("b", 5, "5")]))
    widths = [float(r.get("width", "0")) for r in svg.findall(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1]


def test_a_suppressed_value_gets_its_text_but_no_bar() -> None:
    svg = parse(bar_chart("x", [Bar("groot team", 40, "40"), Bar("klein team", None, "<5")]))
    assert len(svg.findall(f"{SVG}rect")) == 1
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "<5" in texts


def test_every_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & "quotes"'
    markup = str(bar_chart(evil, [Bar(evil, 1, evil)])) + str(column_chart(evil, [Bar(evil, 1, evil)]))
    assert "<script>" not in markup
    for chart in (bar_chart(evil, [Bar(evil, 1, evil)]), column_chart(evil, [Bar(evil, 1, evil)])):
        svg = parse(chart)
        assert svg.findtext(f"{SVG}title") == evil


def test_a_chart_of_zeros_or_of_nothing_is_still_valid() -> None:
    assert parse(bar_chart("leeg", [])).get("role") == "img"
    assert parse(bar_chart("nul", [Bar("a", 0, "0")])).findall(f"{SVG}rect") == []
    assert parse(column_chart("nul", [Bar("jan 2026", 0, "0")])).findall(f"{SVG}rect") == []


def test_a_column_chart_draws_one_column_per_month_with_month_and_year_below() -> None:
    bars = [Bar(f"{m} 2026", v, str(v)) for m, v in (("jan", 3), ("feb", 7), ("mrt", 0))]
    svg = parse(column_chart("Meldingen per maand", bars))
    assert len(svg.findall(f"{SVG}rect")) == 2
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert {"jan", "feb", "mrt", "2026", "3", "7", "0"} <= set(texts)


def test_long_labels_wrap_over_two_lines_at_most() -> None:
    assert wrap("Telefoon") == ["Telefoon"]
    assert wrap("Huisbezoek, inspectie of buitendienst") == ["Huisbezoek, inspectie", "of buitendienst"]
    assert wrap("Steungesprek binnen 72 uur") == ["Steungesprek", "binnen 72 uur"]
    assert wrap("Contact met medewerker dezelfde dag") == ["Contact met medewerker", "dezelfde dag"]
    assert len(wrap("een heel lang label dat over veel meer dan twee regels zou lopen")) == 2
    assert wrap("een heel lang label dat over veel meer dan twee regels zou lopen")[-1].endswith("…")
