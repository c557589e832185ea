"""Exports of reports: every minimum-data-set field, and CSV cells that no spreadsheet runs."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from actions.export import COLUMNS, export_csv, export_json
from bot.domain.model import Evidence, Report


def make_report(description: str = "hij schold") -> Report:
    return Report(
        reference="MLD-2026-00042", reporter_id="demo", team_id="handhaving", channel="web",
        created_at=datetime(2026, 11, 18, 9, 0, tzinfo=UTC), description=description,
        primary_form="bedreiging", forms=("bedreiging", "bedreigen"), abcd="D", severe=True, severity="middel",
        occurred_start=datetime(2026, 11, 17, 17, 0, tzinfo=UTC), location_type="balie",
        quotes=("ik weet waar je woont",),
        evidence=(Evidence(kind="photo", path="a/b.jpg", mime_type="image/jpeg", size=1234),),
    )


def test_json_export_holds_every_column() -> None:
    data = json.loads(export_json([make_report()]))
    assert list(data[0]) == list(COLUMNS)
    assert data[0]["reference"] == "MLD-2026-00042"
    assert data[0]["occurred_start"] == "2026-11-17T17:00:00+00:00"
    assert data[0]["evidence"][0]["path"] == "a/b.jpg"


def test_csv_cells_starting_with_formula_characters_are_prefixed() -> None:
    rows = []
    for text in ("=HYPERLINK(\"x\")", "+31 6 1234", "-2+3", "@SUM(A1)", "gewoon"):
        rows.append(make_report(text))
    parsed = list(csv.reader(io.StringIO(export_csv(rows))))
    col = parsed[0].index("description")
    assert [r[col] for r in parsed[1:]] == ["'=HYPERLINK(\"x\")", "'+31 6 1234", "'-2+3", "'@SUM(A1)", "gewoon"]


def test_csv_lists_evidence_and_booleans_in_dutch() -> None:
    parsed = list(csv.DictReader(io.StringIO(export_csv([make_report()]))))
    assert parsed[0]["severe"] == "ja"
    assert "a/b.jpg" in parsed[0]["evidence"]
