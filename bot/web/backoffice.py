"""Back-office pages for managers and the coordinator: the inbox with its clocks, the whole report, actions.

Routes gather data through the storage reads and the same action implementation the chat buttons use
(`ManagerActions.record`), check access through bot.domain.access, and render Jinja2 templates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from actions.escalation import ManagerActions
from actions.records import ACTION_DETAILS, BACKOFFICE_ACTIONS, DONE, MESSAGE, NOTE_REQUIRED
from bot.bootstrap import Container
from bot.conversation.when import Occurrence, when_text
from bot.domain.access import Permission, acting_role, may, visible_teams
from bot.domain.model import REPORT_STATUSES, Employee, ReporterRole
from bot.storage.backoffice import ALL, OPEN, InboxFilter, ReportFile, inbox, report_file
from bot.storage.repositories import SqlAuditLog, SqlReportRepository
from bot.web.auth import Principal, WebAuth
from bot.web.signin import Pages, backoffice_person

logger = logging.getLogger(__name__)

MAX_FORM_BYTES = 20_000
MAX_NOTE_CHARS = 2_000
DETAIL_FIELDS = {"how": "action_how", "measure": "action_measure", "by": "action_by",
                 "police_reference": "action_police_reference", "to": "action_aftercare_to",
                 "paid_off": "action_paid_off"}
DETAIL_LABELS = {"how": "reaction_how", "measure": "measures", "by": "aangifte_by", "paid_off": "paid_off"}
REQUIRED_DETAILS = {"reaction": ("how",), "measure": ("measure",), "aangifte": ("by",), "aftercare": ("to",),
                    "done": ("paid_off",)}


def duration(delta: timedelta) -> str:
    """'3 d 4 u', '2 u 15 min', '12 min' (Dutch abbreviations, never negative)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} u"
    if hours:
        return f"{hours} u {mins} min"
    return f"{mins} min"


def _local(at: datetime | None, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%d-%m-%Y %H:%M") if at else ""


def _day(value: str | None, tz: tzinfo, *, end: bool = False) -> datetime | None:
    """A yyyy-mm-dd filter value as the start of that local day (or of the next day for an inclusive end)."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start + timedelta(days=1) if end else start


@dataclass(frozen=True, slots=True)
class Event:
    at: datetime
    text: str
    extra: str = ""


def backoffice_router(container: Container, auth: WebAuth, pages: Pages) -> APIRouter:
    router = APIRouter(prefix="/beheer", include_in_schema=False)
    org = container.org
    tz = container.tz
    texts = container.texts
    t = pages.t
    actions = ManagerActions(org, texts, tz)

    def name_of(employee_id: str | None) -> str:
        person = org.employee(employee_id) if employee_id else None
        return person.name if person else (employee_id or t["unknown"])

    def team_name(team_id: str | None) -> str:
        team = org.team(team_id)
        return team.name if team else (team_id or t["unknown"])

    def label(group: str, key: str | None) -> str:
        if not key:
            return t["unknown"]
        try:
            return texts.label(group, key)
        except KeyError:
            return key.replace("_", " ")

    def clock_text(kind: str, due_at: datetime, now: datetime) -> tuple[str, str]:
        """(text, css class) of a next deadline: overdue, due within 4 hours, or later."""
        clock = label("clock_names", kind)
        if due_at <= now:
            return t["clock_overdue"].format(clock=clock, time=duration(now - due_at)), "late"
        left = due_at - now
        return t["clock_left"].format(clock=clock, time=duration(left)), "soon" if left <= timedelta(hours=4) else "ok"

    def teams_in_scope(person: Employee) -> list[tuple[str, str]]:
        scope = visible_teams(org, person)
        return [(team.id, team.name) for team in org.teams if scope is None or team.id in scope]

    @router.get("")
    async def inbox_page(request: Request, team: str | None = None, status: str = OPEN, vorm: str | None = None,
                         van: str | None = None, tot: str | None = None, code: str | None = None,
                         pagina: int = 1) -> Response:
        found = await backoffice_person(request, auth, pages)
        if not isinstance(found, Principal):
            return found
        person = found.employee
        scope = visible_teams(org, person)
        allowed_teams = dict(teams_in_scope(person))
        if team and team not in allowed_teams:
            return pages.message(request, "not_found", "not_found", 404, action_url="/beheer",
                                 action_label=t["report_back"])
        if status not in (OPEN, ALL, *REPORT_STATUSES):
            status = OPEN
        wanted = InboxFilter(team=team or None, status=status, form=vorm or None, since=_day(van, tz),
                             until=_day(tot, tz, end=True), reference=code or None, page=max(1, pagina))
        now = container.clock.now()

        def load() -> Any:
            with container.session_factory() as session:
                return inbox(session, person.id, scope, wanted, now)

        result = await run_in_threadpool(load)
        rows = []
        for row in result.rows:
            clock = clock_text(row.next_clock.kind, row.next_clock.due_at, now) if row.next_clock else None
            rows.append({
                "reference": row.reference, "date": _local(row.created_at, tz), "team": team_name(row.team_id),
                "form": label("forms", row.primary_form), "abcd": row.abcd or "–", "severe": row.severe,
                "status": label("status", row.status), "clock": clock,
            })
        query = {k: v for k, v in (("team", team), ("status", status), ("vorm", vorm), ("van", van),
                                   ("tot", tot), ("code", code)) if v}

        def page_link(number: int) -> str:
            return "/beheer?" + urlencode({**query, "pagina": number})

        scope_text = t["inbox_scope_all"] if scope is None else t["inbox_scope_teams"].format(
            teams=", ".join(allowed_teams.values()) or "–")
        return pages.render(
            request, "backoffice/inbox.html", person=person, active="inbox", body_class="bo-body",
            rows=rows, total=result.total, page=result.page, pages=result.pages,
            prev_link=page_link(result.page - 1) if result.page > 1 else None,
            next_link=page_link(result.page + 1) if result.page < result.pages else None,
            intro=t["inbox_intro"].format(scope=scope_text), teams=list(allowed_teams.items()),
            statuses=[(OPEN, t["filter_open"]), (ALL, t["filter_all"]),
                      *((s, label("status", s)) for s in REPORT_STATUSES)],
            forms=list(texts.labels("forms").items()),
            selected={"team": team or "", "status": status, "vorm": vorm or "", "van": van or "", "tot": tot or "",
                      "code": code or ""},
        )

    def load_file(principal: Principal, reference: str, audit: bool) -> ReportFile | None:
        """The report file when the person may read it (the read is audit-logged); None otherwise."""
        with container.session_factory() as session:
            report = SqlReportRepository(session).get(reference.strip().upper()[:32])
            if report is None or not may(org, principal.employee, Permission.READ, report):
                return None
            found = report_file(session, report.reference)
            if audit:
                SqlAuditLog(session).record(container.clock.now(), principal.id, "report_read", report.reference,
                                            {"channel": principal.channel, "view": "backoffice"})
                session.commit()
            return found

    def timeline(file: ReportFile) -> list[Event]:
        report = file.report
        events = [Event(report.created_at, t["timeline_filed"].format(
            channel=t.get(f"channel_{report.channel}", report.channel)))]
        for notice in file.notices:
            kind = label("outbox_kinds", notice.kind)
            if notice.sent_at is not None:
                state = t["timeline_notice_sent"].format(at=_local(notice.sent_at, tz))
            elif notice.status in ("failed", "undeliverable"):
                state = t["timeline_notice_failed"]
            else:
                state = t["timeline_notice_waiting"]
            events.append(Event(notice.queued_at, t["timeline_notice"].format(
                who=name_of(notice.recipient_id), kind=kind), state))
        if file.digest_at is not None:
            events.append(Event(file.digest_at, t["timeline_digest"]))
        for action in file.actions:
            details = ", ".join(label(DETAIL_LABELS[k], v) if k in DETAIL_LABELS else f"{v}"
                                for k, v in (action.details or {}).items() if v)
            extra = " — ".join(x for x in (details, action.note or "") if x)
            events.append(Event(action.at, t["timeline_action"].format(
                who=name_of(action.actor_id), role=label("role_names", action.role),
                action=t.get(f"action_kind_{action.action}", action.action)), extra))
        for clock in file.clocks:
            if clock.acknowledged_at is not None:
                events.append(Event(clock.acknowledged_at, t["timeline_clock_met"].format(
                    clock=label("clock_names", clock.kind))))
            if clock.escalated_at is not None:
                events.append(Event(clock.escalated_at, t["timeline_clock_escalated"].format(
                    clock=label("clock_names", clock.kind))))
        for checkin in file.checkins:
            when = checkin.answered_at or checkin.asked_at or checkin.due_at
            mood = (t["timeline_checkin_mood"].format(mood=t.get(f"mood_{checkin.mood}", checkin.mood))
                    if checkin.mood else (t["timeline_checkin_private"] if checkin.answered_at else ""))
            events.append(Event(when, t["timeline_checkin"].format(
                seq=checkin.seq, status=t.get(f"checkin_status_{checkin.status}", checkin.status)), mood))
        return sorted(events, key=lambda e: e.at)

    def clock_rows(file: ReportFile, now: datetime) -> list[dict[str, str]]:
        rows = []
        for clock in file.clocks:
            if clock.acknowledged_at is not None:
                key = "clock_met" if clock.acknowledged_at <= clock.due_at else "clock_missed"
                state, css = t[key].format(at=_local(clock.acknowledged_at, tz)), (
                    "ok" if key == "clock_met" else "late")
            elif clock.due_at <= now:
                state, css = t["clock_open_overdue"], "late"
            else:
                state, css = t["clock_open"].format(due=_local(clock.due_at, tz)), "soon"
            note = (t["clock_escalated_note"].format(at=_local(clock.escalated_at, tz))
                    if clock.escalated_at else "")
            rows.append({"name": label("clock_names", clock.kind), "due": _local(clock.due_at, tz), "state": state,
                         "css": css, "note": note})
        return rows

    def details_of(file: ReportFile) -> list[tuple[str, str]]:
        r = file.report
        # The date and time meant, absolute; the reporter's own words beside it (minimum data set: verbatim).
        when = when_text(Occurrence.of(r), tz, texts) or ""
        if r.occurred_text and r.occurred_text != when:
            when = t["when_words"].format(when=when, words=r.occurred_text) if when else r.occurred_text
        where = label("location", r.location_type) if r.location_type else ""
        if r.location_text:
            where = f"{where}: {r.location_text}" if where else r.location_text
        forms = label("forms", r.primary_form)
        if r.forms:
            forms = f"{forms} ({', '.join(f.replace('_', ' ') for f in r.forms)})"
        abcd = f"{r.abcd} – {label('abcd', r.abcd)}" if r.abcd else t["unknown"]
        wants = ", ".join(label("wants", w) for w in r.wants)
        fields = [
            ("field_when", when), ("field_where", where),
            *([("field_victim", t["victim_value"].format(
                name=r.victim_name or t["unknown"], role=label("reporter_roles_manager", str(r.reporter_role))))]
              if r.reporter_role != ReporterRole.SELF else []),
            ("field_channel", t.get(f"channel_{r.channel}", r.channel)),
            ("field_forms", forms), ("field_abcd", abcd), ("field_explanation", r.explanation),
            ("field_injury", r.injury or ""), ("field_damage", r.damage or ""), ("field_weapon", r.weapon or ""),
            ("field_witnesses", r.witnesses or ""), ("field_perpetrator", r.perpetrator or ""),
            ("field_quotes", "; ".join(f"‘{q}’" for q in r.quotes)), ("field_feeling", r.feeling or ""),
            ("field_wants", wants),
        ]
        if r.corrected_by_reporter:
            fields.append(("field_corrected", t["yes"]))
        return [(t[key], value or "–") for key, value in fields]

    async def render_report(request: Request, principal: Principal, reference: str, *, status: int = 200,
                            notice: str | None = None, error: str | None = None,
                            form: dict[str, str] | None = None) -> Response:
        file = await run_in_threadpool(load_file, principal, reference, status == 200 and error is None)
        if file is None:
            return pages.message(request, "not_found", "not_found", 404, action_url="/beheer",
                                 action_label=t["report_back"])
        now = container.clock.now()
        report = file.report
        role = acting_role(org, principal.employee, report)
        evidence = []
        for n, item in enumerate(report.evidence, start=1):
            if item.path:
                evidence.append((f"/api/reports/{report.reference}/evidence/{n}", t["evidence_item"].format(n=n)))
            elif item.latitude is not None and item.longitude is not None:
                evidence.append(("", t["evidence_location"].format(lat=item.latitude, lon=item.longitude)))
        return pages.render(
            request, "backoffice/report.html", status, person=principal.employee, active="inbox",
            body_class="bo-body", report=report, title=t["report_title"].format(reference=report.reference),
            reporter=name_of(report.reporter_id), team=team_name(report.team_id),
            filed=_local(report.created_at, tz), status_label=label("status", report.status),
            details=details_of(file), clocks=clock_rows(file, now),
            events=[(_local(e.at, tz), e.text, e.extra) for e in timeline(file)], evidence=evidence,
            can_act=role is not None, notice=notice, error=error, form=form or {},
            action_kinds=[(a, t[f"action_kind_{a}"]) for a in BACKOFFICE_ACTIONS],
            reaction_how=list(texts.labels("reaction_how").items()),
            measures=list(texts.labels("measures").items()),
            aangifte_by=list(texts.labels("aangifte_by").items()),
            paid_off=list(texts.labels("paid_off").items()),
            aftercare=[c.role + (f" ({c.name})" if c.name else "") for c in org.aftercare_contacts],
        )

    @router.get("/meldingen/{reference}")
    async def report_page(request: Request, reference: str, vastgelegd: str | None = None) -> Response:
        found = await backoffice_person(request, auth, pages)
        if not isinstance(found, Principal):
            return found
        notice = None
        if vastgelegd:
            kind = t.get(f"action_kind_{vastgelegd}")
            notice = t["action_saved"].format(action=kind) if kind else None
        return await render_report(request, found, reference, notice=notice)

    @router.post("/meldingen/{reference}/acties")
    async def record_action(request: Request, reference: str) -> Response:
        found = await backoffice_person(request, auth, pages)
        if not isinstance(found, Principal):
            return found
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return await render_report(request, found, reference, status=413, error=t["action_invalid"])
        fields = {k: v[0].strip() for k, v in parse_qs(body.decode("utf-8", "replace")).items() if v}
        action = fields.get("action", "")
        if action not in BACKOFFICE_ACTIONS:
            return await render_report(request, found, reference, status=400, error=t["action_invalid"],
                                       form=fields)
        details: dict[str, str] = {}
        for key, allowed in ACTION_DETAILS.get(action, {}).items():
            value = fields.get(key, "")[:200]
            if value and (allowed is None or value in allowed):
                details[key] = value
        note = fields.get("note", "")[:MAX_NOTE_CHARS].replace("\x00", "") or None
        missing = [t[DETAIL_FIELDS[k]] for k in REQUIRED_DETAILS.get(action, ()) if k not in details]
        if (action in NOTE_REQUIRED or action in (MESSAGE, DONE)) and not note:
            missing.append(t["action_note"])
        if missing:
            return await render_report(request, found, reference, status=400,
                                       error=t["action_missing"].format(field=", ".join(missing)), form=fields)

        def record() -> str | None:
            """The stored reference, or None when the person may not act on it (or it does not exist)."""
            with container.uow_factory() as uow:
                report = uow.reports.get(reference.strip().upper()[:32])
                if report is None or not may(org, found.employee, Permission.ACT, report):
                    return None
                actions.record(uow, found.employee, report.reference, action, note, container.clock.now(),
                               details=details or None, channel=found.channel)
                uow.commit()
                return report.reference

        stored = await run_in_threadpool(record)
        if stored is None:
            return pages.message(request, "not_found", "not_found", 404, action_url="/beheer",
                                 action_label=t["report_back"])
        logger.info("back-office action %s recorded", action)
        return RedirectResponse(f"/beheer/meldingen/{stored}?" + urlencode({"vastgelegd": action}), status_code=303)

    return router
