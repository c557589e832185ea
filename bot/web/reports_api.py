"""Report routes for a signed-in person: own and team reports, one report, aangifte draft, evidence, export.

Access is decided by bot.domain.access only; a report outside someone's rights answers 404, exactly as a
reference that does not exist. Every read of a report's content, every download and every export is
written to the audit log with the person, the moment and the channel.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from actions.aangifte import draft_text
from actions.export import export_csv, export_json, report_record
from bot.bootstrap import Container
from bot.domain.access import Permission, may, visible_teams
from bot.domain.model import Employee, Report
from bot.storage.repositories import SqlAuditLog, SqlReportRepository
from bot.web.auth import Principal, WebAuth
from bot.web.signin import resolve_principal

NOT_FOUND = {404: {"description": "Niet gevonden (of niet van jou, je team of je organisatie)"}}


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


def reports_router(container: Container, auth: WebAuth, texts: dict[str, str]) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["meldingen"])
    org = container.org

    def refused(status: int) -> JSONResponse:
        key = {401: "not_signed_in", 403: "not_allowed"}.get(status, "not_found")
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(status_code=status, content={"detail": texts[key]}, headers=headers)

    async def person(request: Request) -> Principal | None:
        return await resolve_principal(request, auth)

    def with_report(principal: Principal, reference: str, permission: Permission, action: str,
                    details: dict[str, Any] | None = None) -> Report | None:
        """The report when `principal` may do `permission` on it (the access is audit-logged); else None."""
        with container.session_factory() as session:
            report = SqlReportRepository(session).get(reference.strip().upper()[:32])
            if report is None or not may(org, principal.employee, permission, report):
                return None
            SqlAuditLog(session).record(container.clock.now(), principal.id, action, report.reference,
                                        {"channel": principal.channel, **(details or {})})
            session.commit()
            return report

    @router.get("/me")
    async def me(request: Request) -> Any:
        """The signed-in person."""
        principal = await person(request)
        if principal is None:
            return refused(401)
        e = principal.employee
        return {"id": e.id, "name": e.name, "team": e.team_id, "roles": list(e.roles)}

    @router.get("/reports")
    async def list_reports(request: Request) -> Any:
        """Own reports, plus the team's for a manager and all for the coordinator (newest first)."""
        principal = await person(request)
        if principal is None:
            return refused(401)

        def load() -> list[dict[str, Any]]:
            with container.session_factory() as session:
                found = SqlReportRepository(session).visible_to(principal.id, visible_teams(org, principal.employee))
            return [{"reference": r.reference, "created_at": r.created_at.isoformat(), "reporter_id": r.reporter_id,
                     "team_id": r.team_id, "primary_form": r.primary_form, "abcd": r.abcd, "severe": r.severe,
                     "status": r.status} for r in found]

        return {"reports": await run_in_threadpool(load)}

    @router.get("/reports/{reference}", responses=NOT_FOUND)
    async def read_report(request: Request, reference: str) -> Any:
        """The whole report (minimum data set); the read is audit-logged."""
        principal = await person(request)
        if principal is None:
            return refused(401)
        report = await run_in_threadpool(with_report, principal, reference, Permission.READ, "report_read")
        return refused(404) if report is None else report_record(report)

    @router.get("/reports/{reference}/aangifte.txt", response_class=PlainTextResponse, responses=NOT_FOUND)
    async def aangifte_draft(request: Request, reference: str) -> Any:
        """The draft police statement as a text file: for its reporter, the team's manager, the coordinator."""
        principal = await person(request)
        if principal is None:
            return refused(401)
        report = await run_in_threadpool(with_report, principal, reference, Permission.AANGIFTE, "aangifte_draft")
        if report is None:
            return refused(404)
        reporter = org.employee(report.reporter_id) or Employee(report.reporter_id, report.reporter_id,
                                                                 report.team_id)
        body = draft_text(report, reporter, org, container.texts, container.tz) + "\n"
        return PlainTextResponse(body, headers={
            "Content-Disposition": f'attachment; filename="aangifte-{report.reference}.txt"',
            "Cache-Control": "no-store"})

    @router.get("/reports/{reference}/evidence/{index}", responses=NOT_FOUND)
    async def evidence(request: Request, reference: str, index: int) -> Any:
        """A photo or document of a report (numbered from 1)."""
        principal = await person(request)
        if principal is None:
            return refused(401)
        report = await run_in_threadpool(with_report, principal, reference, Permission.EVIDENCE,
                                         "evidence_download", {"index": index})
        if report is None or not 1 <= index <= len(report.evidence):
            return refused(404)
        item = report.evidence[index - 1]
        path = await run_in_threadpool(_attachment, Path(container.settings.attachments_dir), item.path)
        if path is None:
            return refused(404)
        name = f"{report.reference}-bewijs-{index}{path.suffix}"
        return FileResponse(path, media_type=item.mime_type or "application/octet-stream", filename=name,
                            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    @router.get("/export", responses={403: {"description": "Alleen voor de veiligheidscoördinator"}})
    async def export(request: Request, format: ExportFormat = ExportFormat.json) -> Any:  # noqa: A002
        """All reports with the minimum data set (coordinator only); the export is audit-logged."""
        principal = await person(request)
        if principal is None:
            return refused(401)
        if not may(org, principal.employee, Permission.EXPORT):
            return refused(403)
        if principal.channel == "web" and await run_in_threadpool(auth.end_backoffice_idle, principal):
            return refused(401)

        def build() -> str:
            with container.session_factory() as session:
                reports = SqlReportRepository(session).all()
                SqlAuditLog(session).record(container.clock.now(), principal.id, "export", None,
                                            {"channel": principal.channel, "format": format.value,
                                             "count": len(reports)})
                session.commit()
            return export_json(reports) if format is ExportFormat.json else export_csv(reports)

        data = await run_in_threadpool(build)
        media = "application/json" if format is ExportFormat.json else "text/csv; charset=utf-8"
        return Response(data, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="meldingen.{format.value}"', "Cache-Control": "no-store"})

    return router


def _attachment(root: Path, relative: str | None) -> Path | None:
    """The stored file of an evidence item, only inside the attachments directory."""
    if not relative:
        return None
    base = root.resolve()
    path = (base / relative).resolve()
    return path if path.is_relative_to(base) and path.is_file() else None
