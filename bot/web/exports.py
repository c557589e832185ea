"""Downloads of the back-office: the minimum data set as CSV or XLSX (streamed to a file), the yearly PDF."""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from actions.export import safe_cell
from actions.figures import (
    CLOCK_KINDS,
    LATE,
    MISSED,
    ON_TIME,
    OPEN,
    Figures,
    clock_outcome,
    count_text,
    duration_text,
    ordered,
    percent_text,
    rate_text,
)
from bot.storage.figures import ExportRow

if TYPE_CHECKING:  # openpyxl is imported when a spreadsheet is made, not at start (it costs ~0.25 s)
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

logger = logging.getLogger(__name__)

# The minimum data set, in this column order (docs/minimum-dataset.md describes every column).
COLUMNS = (
    "referentie", "gemeld_op", "datum_incident", "team_id", "team", "kanaal", "vorm", "vormen", "abcd", "ernstig",
    "ernst", "gecorrigeerd", "soort_contact", "letsel", "schade", "wapen", "getuigen", "dreigen_zelfdoding",
    "doxing", "bewijs", "wensen", "status", "contact_vandaag", "steungesprek_72u", "reactie_dader_48u",
    "aangifte_2wd", "aangifte",
)
CLOCK_COLUMNS = {"contact_today": "contact_vandaag", "support_72h": "steungesprek_72u",
                 "perpetrator_48h": "reactie_dader_48u", "aangifte_2wd": "aangifte_2wd"}
OUTCOME_VALUES = {ON_TIME: "op_tijd", LATE: "te_laat", MISSED: "gemist", OPEN: "open"}
DATETIME_COLUMNS = frozenset({"gemeld_op"})
DATE_COLUMNS = frozenset({"datum_incident"})


def yes_no(value: bool) -> str:
    return "ja" if value else "nee"


def record(row: ExportRow, team_names: Mapping[str, str], tz: tzinfo, now: datetime) -> dict[str, Any]:
    """One report of the minimum data set: local datetimes, keys of the vocabularies, ja/nee, counts."""
    out: dict[str, Any] = {
        "referentie": row.reference,
        "gemeld_op": row.created_at.astimezone(tz),
        "datum_incident": row.occurred_start.astimezone(tz).date() if row.occurred_start else None,
        "team_id": row.team_id,
        "team": team_names.get(row.team_id or "", None),
        "kanaal": row.channel,
        "vorm": row.primary_form,
        "vormen": "; ".join(str(f) for f in row.forms),
        "abcd": row.abcd,
        "ernstig": yes_no(row.severe),
        "ernst": row.severity,
        "gecorrigeerd": yes_no(row.corrected_by_reporter),
        "soort_contact": row.location_type,
        "letsel": yes_no(row.injury),
        "schade": yes_no(row.damage),
        "wapen": yes_no(row.weapon),
        "getuigen": yes_no(row.witnesses),
        "dreigen_zelfdoding": yes_no(row.suicide_threat),
        "doxing": yes_no(row.doxing),
        "bewijs": row.evidence,
        "wensen": "; ".join(str(w) for w in row.wants),
        "status": row.status,
        "aangifte": "onbekend" if row.aangifte is None else yes_no(row.aangifte),
    }
    for kind, column in CLOCK_COLUMNS.items():
        clock = row.clocks.get(kind)
        out[column] = None if clock is None else OUTCOME_VALUES[clock_outcome(clock[0], clock[1], now)]
    return out


def _csv_text(column: str, value: Any) -> str:
    if column in DATETIME_COLUMNS and value is not None:
        return safe_cell(value.isoformat(timespec="seconds"))
    if column in DATE_COLUMNS and value is not None:
        return safe_cell(value.isoformat())
    return safe_cell(value)


def write_csv(path: Path, records: Iterable[Mapping[str, Any]]) -> int:
    """The records as RFC 4180 CSV (UTF-8, header of column names, cells safe from formulas); the count."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for rec in records:
            writer.writerow([_csv_text(c, rec[c]) for c in COLUMNS])
            count += 1
    return count


def _text_cell(sheet: WriteOnlyWorksheet, value: str, *, bold: bool = False) -> WriteOnlyCell:
    """A cell that holds text as text: never read as a formula, without characters XML cannot hold."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _xlsx_value(sheet: WriteOnlyWorksheet, column: str, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if value is None:
        return None
    if column in DATETIME_COLUMNS:
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))  # Excel has no zones: local time
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if column in DATE_COLUMNS:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, int):
        return value
    return _text_cell(sheet, str(value))


def write_xlsx(path: Path, records: Iterable[Mapping[str, Any]], headers: Mapping[str, str],
               texts: Mapping[str, str], about: Sequence[tuple[str, str]]) -> int:
    """The records as an Excel workbook in write-only mode (rows go to disk as they come); the count."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(texts["sheet_reports"])
    for index, column in enumerate(COLUMNS):
        letter = _column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(28, len(headers[column]) + 2))
    sheet.freeze_panes = "A2"
    sheet.append([_text_cell(sheet, headers[c], bold=True) for c in COLUMNS])
    count = 0
    for rec in records:
        sheet.append([_xlsx_value(sheet, c, rec[c]) for c in COLUMNS])
        count += 1
    info = book.create_sheet(texts["sheet_about"])
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 60
    info.append([_text_cell(info, texts["about_title"], bold=True)])
    for label, value in (*about, (texts["about_count"], str(count))):
        info.append([_text_cell(info, label), _text_cell(info, value)])
    info.append([_text_cell(info, texts["about_columns"])])
    book.save(path)
    return count


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# -- the yearly overview ------------------------------------------------------------------------

BLUE = "#154273"
A4 = (8.27, 11.69)


def _barh(ax: Any, title: str, rows: Sequence[tuple[str, float | None, str]]) -> None:
    """Horizontal bars, top to bottom; a row without a value (suppressed) gets no bar, only its text."""
    labels = [r[0] for r in rows]
    values = [r[1] or 0.0 for r in rows]
    positions = list(range(len(rows)))[::-1]
    ax.barh(positions, values, color=BLUE, height=0.6)
    ax.set_yticks(positions, labels=labels, fontsize=8)
    top = max(values + [1.0])
    for pos, (_label, value, text) in zip(positions, rows, strict=True):
        ax.text((value or 0.0) + top * 0.01, pos, text, va="center", fontsize=8)
    ax.set_xlim(0, top * 1.18)
    ax.set_title(title, fontsize=11, loc="left", color=BLUE)
    ax.tick_params(axis="x", labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def yearly_pdf(path: Path, figures: Figures, *, year: int, org_name: str, scope: str, made: str,
               suppress: bool, t: Mapping[str, Any], label: Callable[[str, str], str]) -> None:
    """The yearly overview for the talk about nature, scale and approach: key figures and charts, no names."""
    # matplotlib is imported here, not at start-up: only this download needs it.
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    n = count_text
    months_short = t["months_short"]
    clocks = {c.kind: c for c in figures.clocks}
    with PdfPages(path, metadata={"Title": t["pdf_title"].format(year=year), "Creator": "meldbot"}) as pdf:
        page = Figure(figsize=A4)
        page.text(0.08, 0.95, t["pdf_title"].format(year=year), fontsize=16, color=BLUE, weight="bold")
        page.text(0.08, 0.925, t["pdf_subtitle"].format(org=org_name, scope=scope), fontsize=10)
        page.text(0.08, 0.905, t["pdf_made"].format(date=made), fontsize=8, color="#555555")
        page.text(0.08, 0.88, t["pdf_purpose"], fontsize=9, wrap=True)
        employees = figures.employees
        lines = [
            t["pdf_key_total"].format(value=n(figures.total, suppress)),
            t["pdf_key_severe"].format(value=f"{n(figures.severe, suppress)} "
                                             f"({percent_text(figures.severe, figures.total, suppress)})"),
            t["pdf_key_rate"].format(value=rate_text(figures.total, employees, suppress)),
        ]
        for kind in CLOCK_KINDS:
            c = clocks[kind]
            lines.append(t["pdf_key_clock"].format(name=t["clock_names"][kind],
                                                   value=percent_text(c.on_time, c.decided, suppress),
                                                   median=duration_text(c.median_minutes)))
        care = figures.aftercare
        lines.append(t["pdf_key_aftercare"].format(
            answered=n(care.answered, suppress), asked=n(care.asked, suppress),
            share=percent_text(care.moods.get("niet_goed", 0), care.answered, suppress)))
        for i, line in enumerate(lines):
            page.text(0.08, 0.83 - i * 0.025, "• " + line, fontsize=10)
        if suppress:
            page.text(0.08, 0.83 - len(lines) * 0.025 - 0.01, t["suppression_note"], fontsize=8, color="#555555",
                      wrap=True)
        ax = page.add_axes((0.1, 0.08, 0.82, 0.38))
        values = [(v, count_text(v, suppress)) for _m, v in figures.months]
        xs = list(range(len(values)))
        drawn = [0 if (suppress and 0 < v < 5) else v for v, _ in values]
        ax.bar(xs, drawn, color=BLUE, width=0.7)
        ax.set_xticks(xs, labels=[months_short[m.month - 1] for m, _ in figures.months], fontsize=8)
        top = max(drawn + [1])
        for x, (_v, text), h in zip(xs, values, drawn, strict=True):
            ax.text(x, h + top * 0.01, text, ha="center", va="bottom", fontsize=8)
        ax.set_ylim(0, top * 1.15)
        ax.set_title(t["months_title"], fontsize=11, loc="left", color=BLUE)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        pdf.savefig(page)

        page = Figure(figsize=A4)
        groups = (
            (t["forms_title"], figures.by_form, ("verbaal", "bedreiging", "fysiek"), "forms_short"),
            (t["abcd_title"], figures.by_abcd, ("A", "B", "C", "D"), "abcd"),
            (t["location_title"], figures.by_location,
             ("balie", "telefoon", "veldbezoek", "online", "openbare_ruimte", "anders"), "location"),
        )
        for i, (title, counts, keys, group) in enumerate(groups):
            ax = page.add_axes((0.38, 0.70 - i * 0.31, 0.55, 0.22))
            rows = []
            for key, value in ordered(counts, keys):
                name = t["unknown"] if key is None else _label(label, group, key)
                hidden = suppress and 0 < value < 5
                rows.append((name, None if hidden else float(value), count_text(value, suppress)))
            _barh(ax, title, rows)
        pdf.savefig(page)

        page = Figure(figsize=A4)
        ax = page.add_axes((0.38, 0.62, 0.55, 0.28))
        rows = []
        for kind in CLOCK_KINDS:
            c = clocks[kind]
            text = percent_text(c.on_time, c.decided, suppress)
            value = None if text == "–" else c.on_time * 100 / c.decided
            rows.append((t["clock_names"][kind], value, text))
        _barh(ax, t["clocks_chart"], rows)
        ax.set_xlim(0, 118)
        ax = page.add_axes((0.38, 0.14, 0.55, 0.28))
        rows = []
        for mood in ("goed", "wisselend", "niet_goed"):
            value = care.moods.get(mood, 0)
            hidden = suppress and 0 < value < 5
            rows.append((t["moods"][mood], None if hidden else float(value), count_text(value, suppress)))
        _barh(ax, t["aftercare_chart"], rows)
        pdf.savefig(page)

        if figures.teams:
            page = Figure(figsize=A4)
            ax = page.add_axes((0.38, 0.06, 0.55, 0.86))
            rows = []
            for team in sorted(figures.teams, key=lambda tc: tc.name)[:60]:
                text = rate_text(team.reports, team.employees, suppress)
                value = None if text == "–" else team.reports * 100 / team.employees
                rows.append((f"{team.name} ({n(team.reports, suppress)})", value, text))
            _barh(ax, t["teams_chart"], rows)
            pdf.savefig(page)
    logger.info("yearly overview written: year %s, %s reports", year, figures.total)


def _label(label: Callable[[str, str], str], group: str, key: str) -> str:
    try:
        return label(group, key)
    except KeyError:
        return key
