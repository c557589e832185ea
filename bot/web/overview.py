"""Back-office steering figures (/beheer/overzicht) and downloads: minimum data set (CSV, XLSX), yearly PDF.

Who sees what comes from bot.domain.access: managers their own teams, the coordinator all teams. A team
outside someone's rights answers 404, exactly like a team that does not exist. Views across teams (the
coordinator's) show counts of 1 to 4 as "<5"; a manager's view of the own teams shows exact numbers,
because that manager reads each of those reports in the inbox anyway. Every download is audit-logged.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from markupsafe import Markup
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from actions.figures import (
    NOT_AVAILABLE,
    Figures,
    Period,
    PeriodError,
    count_text,
    default_period,
    duration_text,
    ordered,
    parse_period,
    per_hundred,
    percent_text,
    rate_text,
    suppressed,
    team_sizes,
    year_period,
)
from bot.bootstrap import Container
from bot.domain.access import Permission, may, visible_teams
from bot.domain.model import Employee, Organisation, Team
from bot.settings import DATA_DIR
from bot.storage.figures import export_rows, load_figures
from bot.storage.repositories import SqlAuditLog
from bot.web.auth import Principal, WebAuth
from bot.web.charts import Bar, bar_chart, column_chart
from bot.web.exports import COLUMNS as EXPORT_COLUMNS
from bot.web.exports import record, write_csv, write_xlsx, yearly_pdf
from bot.web.signin import Pages, backoffice_person

logger = logging.getLogger(__name__)
FIGURES_TTL_SECONDS = 60.0
FIGURES_TEXTS = DATA_DIR / "figures.nl.yml"
FORMS = ("verbaal", "bedreiging", "fysiek")
ABCD = ("A", "B", "C", "D")
LOCATIONS = ("balie", "telefoon", "veldbezoek", "online", "openbare_ruimte", "anders")
MOODS = ("goed", "wisselend", "niet_goed")
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def load_figure_texts(path: Path = FIGURES_TEXTS) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


@dataclass(frozen=True, slots=True)
class Scope:
    """The teams one request looks at: ids to filter on (None: every report) and the teams to list."""

    team_ids: frozenset[str] | None
    teams: tuple[Team, ...]
    suppress: bool
    choices: tuple[Team, ...]  # teams this person may pick in the filter
    selected: str | None


def resolve_scope(org: Organisation, person: Employee, team: str | None) -> Scope | None:
    """The scope for `person`, narrowed to `team` when given; None when that team is not theirs (or unknown)."""
    visible = visible_teams(org, person)
    choices = tuple(t for t in org.teams if visible is None or t.id in visible)
    suppress = visible is None
    if team:
        found = org.team(team)
        if found is None or found not in choices:
            return None
        return Scope(frozenset({found.id}), (found,), suppress, choices, found.id)
    return Scope(visible, choices, suppress, choices, None)


@dataclass(frozen=True, slots=True)
class Table:
    """An accessible table: caption, column headers, rows whose first cell is the row header."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A chart with its table beside it."""

    id: str
    title: str
    intro: str | None
    chart: Markup
    table: Table


def _bar(label: str, value: int, suppress: bool) -> Bar:
    return Bar(label, None if suppressed(value, suppress) else float(value), count_text(value, suppress))


def _distribution(key: str, counts: Mapping[str | None, int], keys: Sequence[str], name: Callable[[str], str],
                  total: int, t: Mapping[str, Any], suppress: bool) -> Section:
    rows = []
    bars = []
    for k, value in ordered(counts, keys):
        label = t["unknown"] if k is None else name(k)
        bars.append(_bar(label, value, suppress))
        rows.append((label, count_text(value, suppress), percent_text(value, total, suppress)))
    column = {"forms": "col_form", "abcd": "col_abcd", "location": "col_location"}[key]
    table = Table(t[f"{key}_caption"], (t[column], t["col_reports"], t["col_share"]), tuple(rows))
    return Section(key, t[f"{key}_title"], None, bar_chart(t[f"{key}_caption"], bars), table)


def figure_sections(figures: Figures, t: Mapping[str, Any], label: Callable[[str, str], str],
                    suppress: bool) -> list[Section]:
    """Every chart of the figures page with its table, in page order."""
    n = count_text
    month_names = t["months_short"]
    # The year only under the first month and under January, so that the labels do not run into each other.
    month_bars = [_bar(f"{month_names[m.month - 1]} {m.year}" if i == 0 or m.month == 1 else month_names[m.month - 1],
                       v, suppress) for i, (m, v) in enumerate(figures.months)]
    month_rows = tuple((f"{t['months_long'][m.month - 1]} {m.year}", n(v, suppress)) for m, v in figures.months)
    sections = [Section("months", t["months_title"], None, column_chart(t["months_caption"], month_bars),
                        Table(t["months_caption"], (t["col_month"], t["col_reports"]), month_rows))]

    def safe_label(group: str) -> Callable[[str], str]:
        def name(key: str) -> str:
            try:
                return label(group, key)
            except KeyError:
                return key
        return name

    sections.append(_distribution("forms", figures.by_form, FORMS, safe_label("forms_short"), figures.total, t,
                                  suppress))
    sections.append(_distribution("abcd", figures.by_abcd, ABCD, safe_label("abcd"), figures.total, t, suppress))
    sections.append(_distribution("location", figures.by_location, LOCATIONS, safe_label("location"),
                                  figures.total, t, suppress))

    clock_bars, clock_rows = [], []
    for tally in figures.clocks:
        name = t["clock_names"][tally.kind]
        on_time = percent_text(tally.on_time, tally.decided, suppress)
        value = None if on_time == NOT_AVAILABLE else tally.on_time * 100 / tally.decided
        clock_bars.append(Bar(name, value, on_time))
        clock_rows.append((name, n(tally.on_time, suppress), n(tally.late, suppress), n(tally.missed, suppress),
                           n(tally.open, suppress), on_time, duration_text(tally.median_minutes)))
    sections.append(Section(
        "clocks", t["clocks_title"], t["clocks_intro"], bar_chart(t["clocks_chart"], clock_bars, max_value=100),
        Table(t["clocks_caption"], (t["col_clock"], t["col_on_time"], t["col_late"], t["col_missed"], t["col_open"],
                                    t["col_on_time_share"], t["col_median"]), tuple(clock_rows))))

    teams = sorted(figures.teams, key=lambda tc: (-(per_hundred(tc.reports, tc.employees) or 0), tc.name))
    team_bars, team_rows = [], []
    for tc in teams:
        rate = rate_text(tc.reports, tc.employees, suppress)
        value = per_hundred(tc.reports, tc.employees)
        team_bars.append(Bar(tc.name, None if rate == NOT_AVAILABLE else value, rate))
        team_rows.append((tc.name, n(tc.employees), n(tc.reports, suppress), n(tc.severe, suppress), rate))
    sections.append(Section(
        "teams", t["teams_title"], t["teams_intro"], bar_chart(t["teams_chart"], team_bars),
        Table(t["teams_caption"], (t["col_team"], t["col_employees"], t["col_reports"], t["col_severe"],
                                   t["col_rate"]), tuple(team_rows))))

    care = figures.aftercare
    mood_bars = [_bar(t["moods"][m], care.moods.get(m, 0), suppress) for m in MOODS]
    care_rows = [(t["aftercare_asked"], n(care.asked, suppress), ""),
                 (t["aftercare_answered"], n(care.answered, suppress), percent_text(care.answered, care.asked,
                                                                                     suppress))]
    care_rows += [(t["moods"][m], n(care.moods.get(m, 0), suppress),
                   percent_text(care.moods.get(m, 0), care.answered, suppress)) for m in MOODS]
    sections.append(Section(
        "aftercare", t["aftercare_title"], None, bar_chart(t["aftercare_chart"], mood_bars),
        Table(t["aftercare_caption"], (t["col_aftercare"], t["col_count"], t["col_share"]), tuple(care_rows))))
    return sections


def key_figures(figures: Figures, t: Mapping[str, Any], suppress: bool) -> list[tuple[str, str]]:
    contact = next(c for c in figures.clocks if c.kind == "contact_today")
    return [
        (t["key_total"], count_text(figures.total, suppress)),
        (t["key_severe"], f"{count_text(figures.severe, suppress)} "
                          f"({percent_text(figures.severe, figures.total, suppress)})"),
        (t["key_rate"], rate_text(figures.total, figures.employees, suppress)),
        (t["key_contact"], percent_text(contact.on_time, contact.decided, suppress)),
    ]


def _date_text(day: date, t: Mapping[str, Any]) -> str:
    return f"{day.day} {t['months_long'][day.month - 1]} {day.year}"


def overview_router(container: Container, auth: WebAuth, pages: Pages) -> APIRouter:
    """The figures page and its downloads, for managers (own teams) and the coordinator (all teams)."""
    router = APIRouter(prefix="/beheer", include_in_schema=False)
    org = container.org
    tz = container.tz
    texts = load_figure_texts()
    t: dict[str, Any] = texts["figures"]
    export_texts: dict[str, Any] = texts["export"]
    sizes = team_sizes(e.team_id for e in org.employees)
    team_names = {team.id: team.name for team in org.teams}
    assert set(texts["export"]["headers"]) >= set(EXPORT_COLUMNS), "every export column needs a header"

    async def person(request: Request, permission: Permission = Permission.FIGURES) -> Principal | Response:
        found = await backoffice_person(request, auth, pages)
        if isinstance(found, Principal) and not may(org, found.employee, permission):
            return pages.message(request, "backoffice_refused_title", "backoffice_refused_text", 403)
        return found

    def problem(request: Request, status: int, title_key: str, text_key: str, principal: Principal) -> Response:
        return pages.render(request, "page.html", status, title=t[title_key], text=t[text_key],
                            action_url="/beheer/overzicht", action_label=t["back_to_overview"],
                            person=principal.employee, body_class="bo-body")

    def today() -> date:
        return container.clock.now().astimezone(tz).date()

    def scope_text(scope: Scope) -> str:
        if scope.team_ids is None:
            return t["scope_all"]
        return t["scope_teams"].format(names=", ".join(team.name for team in scope.teams))

    cache: dict[tuple[Any, ...], tuple[float, Figures]] = {}
    cache_lock = threading.Lock()

    def figures_for(scope: Scope, period: Period) -> Figures:
        """The figures of a scope and period; computed at most once a minute per worker (steering figures
        need not be fresher, and at 100,000 reports the aggregation over every clock takes a while)."""
        key = (scope.team_ids if scope.team_ids is None else tuple(sorted(scope.team_ids)), period)
        now = time.monotonic()
        with cache_lock:
            hit = cache.get(key)
            if hit is not None and now - hit[0] < FIGURES_TTL_SECONDS:
                return hit[1]
        with container.session_factory() as session:
            figures = load_figures(session, period, tz, container.clock.now(), scope.team_ids,
                                   [(team.id, team.name) for team in scope.teams], sizes)
        with cache_lock:
            if len(cache) > 256:
                cache.clear()
            cache[key] = (now, figures)
        return figures

    def audit(principal: Principal, details: dict[str, Any]) -> None:
        with container.session_factory() as session:
            SqlAuditLog(session).record(container.clock.now(), principal.id, "export", None,
                                        {"channel": principal.channel, **details})
            session.commit()

    @router.get("/overzicht")
    async def overview(request: Request, van: str | None = None, tot: str | None = None,
                       team: str | None = None) -> Response:
        principal = await person(request)
        if not isinstance(principal, Principal):
            return principal
        scope = resolve_scope(org, principal.employee, (team or "")[:64] or None)
        if scope is None:
            return problem(request, 404, "team_not_found_title", "team_not_found_text", principal)
        error = None
        try:
            period = parse_period(van, tot, today())
        except PeriodError:
            period, error = default_period(today()), t["period_error"]
        figures = await run_in_threadpool(figures_for, scope, period)
        query = {k: v for k, v in (("van", period.start.isoformat()), ("tot", period.end.isoformat()),
                                   ("team", scope.selected)) if v}
        year = period.end.year
        pdf_query = {"jaar": str(year), **({"team": scope.selected} if scope.selected else {})}
        return pages.render(
            request, "backoffice/overview.html", 400 if error else 200, body_class="bo-body",
            person=principal.employee, active="overzicht", f=t, error=error, figures=figures,
            period_text=t["period_text"].format(start=_date_text(period.start, t), end=_date_text(period.end, t)),
            scope_text=scope_text(scope), scope=scope, period=period, suppress=scope.suppress,
            key_figures=key_figures(figures, t, scope.suppress),
            sections=figure_sections(figures, t, container.texts.label, scope.suppress),
            csv_url="/beheer/export.csv?" + urlencode(query), xlsx_url="/beheer/export.xlsx?" + urlencode(query),
            pdf_url="/beheer/jaaroverzicht.pdf?" + urlencode(pdf_query), pdf_label=t["download_pdf"].format(year=year),
        )

    async def download(request: Request, fmt: str, van: str | None, tot: str | None,
                       team: str | None) -> Response:
        principal = await person(request, Permission.TEAM_EXPORT)
        if not isinstance(principal, Principal):
            return principal
        scope = resolve_scope(org, principal.employee, (team or "")[:64] or None)
        if scope is None:
            return problem(request, 404, "team_not_found_title", "team_not_found_text", principal)
        try:
            period = parse_period(van, tot, today())
        except PeriodError:
            return problem(request, 400, "bad_request_title", "bad_period_text", principal)

        def build() -> tuple[Path, int]:
            now = container.clock.now()
            fd, name = tempfile.mkstemp(prefix="meldbot-export-", suffix=f".{fmt}")
            os.close(fd)
            path = Path(name)
            try:
                with container.session_factory() as session:
                    records = (record(row, team_names, tz, now)
                               for row in export_rows(session, period, tz, scope.team_ids))
                    if fmt == "csv":
                        count = write_csv(path, records)
                    else:
                        span = f"{period.start.isoformat()} – {period.end.isoformat()}"
                        about = [(export_texts["about_period"], span),
                                 (export_texts["about_scope"], scope_text(scope)),
                                 (export_texts["about_made"], now.astimezone(tz).strftime("%Y-%m-%d %H:%M"))]
                        count = write_xlsx(path, records, export_texts["headers"], export_texts, about)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
            audit(principal, {"format": fmt, "van": period.start.isoformat(), "tot": period.end.isoformat(),
                              "teams": None if scope.team_ids is None else sorted(scope.team_ids), "count": count})
            logger.info("minimum data set exported: %s, %s reports", fmt, count)
            return path, count

        path, _count = await run_in_threadpool(build)
        filename = f"meldingen-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
        media = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_MEDIA
        return FileResponse(path, media_type=media, filename=filename, headers={"Cache-Control": "no-store"},
                            background=BackgroundTask(path.unlink, missing_ok=True))

    @router.get("/export.csv")
    async def export_csv(request: Request, van: str | None = None, tot: str | None = None,
                         team: str | None = None) -> Response:
        return await download(request, "csv", van, tot, team)

    @router.get("/export.xlsx")
    async def export_xlsx(request: Request, van: str | None = None, tot: str | None = None,
                          team: str | None = None) -> Response:
        return await download(request, "xlsx", van, tot, team)

    @router.get("/jaaroverzicht.pdf")
    async def yearly(request: Request, jaar: str | None = None, team: str | None = None) -> Response:
        principal = await person(request)
        if not isinstance(principal, Principal):
            return principal
        scope = resolve_scope(org, principal.employee, (team or "")[:64] or None)
        if scope is None:
            return problem(request, 404, "team_not_found_title", "team_not_found_text", principal)
        this_year = today().year
        year = int(jaar) if jaar and jaar.isdigit() and len(jaar) == 4 else (this_year if not jaar else 0)
        if not 2000 <= year <= this_year + 1:
            return problem(request, 400, "bad_request_title", "bad_year_text", principal)

        def build() -> Path:
            period = year_period(year)
            figures = figures_for(scope, period)
            fd, name = tempfile.mkstemp(prefix="meldbot-jaaroverzicht-", suffix=".pdf")
            os.close(fd)
            path = Path(name)
            try:
                yearly_pdf(path, figures, year=year, org_name=org.name, scope=scope_text(scope),
                           made=_date_text(today(), t), suppress=scope.suppress, t=t, label=container.texts.label)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
            audit(principal, {"format": "pdf", "jaar": year, "van": period.start.isoformat(),
                              "tot": period.end.isoformat(),
                              "teams": None if scope.team_ids is None else sorted(scope.team_ids),
                              "count": figures.total})
            return path

        path = await run_in_threadpool(build)
        return FileResponse(path, media_type="application/pdf", filename=f"jaaroverzicht-{year}.pdf",
                            headers={"Cache-Control": "no-store"},
                            background=BackgroundTask(path.unlink, missing_ok=True))

    return router
