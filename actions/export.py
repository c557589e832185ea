"""Exports of reports with the minimum data set: JSON and CSV (safe against formula injection)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from bot.domain.model import Report

COLUMNS = (
    "reference", "created_at", "reporter_id", "team_id", "channel", "status", "description", "primary_form",
    "forms", "abcd", "severe", "severity", "explanation", "corrected_by_reporter", "occurred_text",
    "occurred_start", "occurred_end", "location_type", "location_text", "injury", "damage", "weapon",
    "witnesses", "perpetrator", "quotes", "feeling", "wants", "suicide_threat", "doxing", "evidence",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def report_record(report: Report) -> dict[str, Any]:
    """One report as plain JSON-ready values, in the export's column order."""
    raw = asdict(report)
    out: dict[str, Any] = {}
    for col in COLUMNS:
        value = raw[col]
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[col] = value
    return out


def export_json(reports: Sequence[Report]) -> str:
    return json.dumps([report_record(r) for r in reports], ensure_ascii=False, indent=2)


def safe_cell(value: Any) -> str:
    """A CSV cell that spreadsheets will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "ja" if value else "nee"
    elif isinstance(value, list):
        text = "; ".join(json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(reports: Sequence[Report]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for report in reports:
        record = report_record(report)
        writer.writerow([safe_cell(record[c]) for c in COLUMNS])
    return buf.getvalue()
