"""The `meldbot` command line: chat, serve, invite, audit, export, org, link-code, tick, aangifte, train, evaluate,
classify."""

from __future__ import annotations

import json
import logging
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.settings import Settings

app = typer.Typer(help="meldbot: meld agressie en intimidatie in een kort gesprek.", no_args_is_help=True,
                  add_completion=False)
org_app = typer.Typer(help="De organisatie (teams, medewerkers, rollen).", no_args_is_help=True)
app.add_typer(org_app, name="org")
console = Console()


def _settings() -> Settings:
    return Settings()


def _logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Quiet while idle: the scheduler's every-tick lines and the migration steps are not news.
    for noisy in ("apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@app.command()
def chat(
    user: Annotated[str, typer.Option("--user", help="Employee id from the organisation file")] = "demo",
) -> None:
    """Chat in the terminal (also with piped stdin: one message a line)."""
    from bot.bootstrap import bootstrap
    from bot.channels.terminal import run_terminal_chat

    _logging()
    container = bootstrap(_settings())
    try:
        run_terminal_chat(container.chat.handle, user)
    finally:
        container.close()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[int, typer.Option(help="Web worker processes (PostgreSQL only)")] = 1,
    invite: Annotated[list[str] | None, typer.Option(
        "--invite", help="Print a one-time sign-in link for this employee id at start (repeatable)")] = None,
) -> None:
    """Start the web chat, the chat API and the configured channels."""
    import uvicorn

    _logging(verbose=True)
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = Settings(**overrides)  # type: ignore[arg-type]
    host, port = settings.host, settings.port
    if workers > 1:
        if invite:
            links = _invite_links(settings, invite)
            console.print("Inloglinks (één keer te gebruiken, 24 uur geldig):")
            for employee_id, name, url in links:
                console.print(f"  {name} ({employee_id}): {url}", soft_wrap=True)
        console.print(f"meldbot start {workers} processen op http://{host}:{port}/  (API-documentatie: /docs)")
    else:
        # The app itself prints the links and 'luistert op' once the port accepts connections (so the
        # database is opened once, by the server); unknown ids stop here, before anything starts.
        if invite:
            from bot.org import load_organisation

            org = load_organisation(settings.org_file)
            for employee_id in invite:
                if org.employee(employee_id) is None:
                    console.print(f"Onbekende medewerker: {employee_id}", style="red")
                    raise typer.Exit(code=1)
            os.environ["MELDBOT_ANNOUNCE_INVITES"] = ",".join(invite)
        os.environ["MELDBOT_ANNOUNCE"] = "1"
    for key, value in overrides.items():  # the workers build their own Settings from the environment
        os.environ[f"MELDBOT_{key.upper()}"] = str(value)
    uvicorn.run("bot.web.boot:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", access_log=settings.access_log)


def _invite_links(settings: Settings, employee_ids: list[str]) -> list[tuple[str, str, str]]:
    """(id, name, link) for each employee; unknown ids stop the command with a Dutch message."""
    from bot.bootstrap import bootstrap
    from bot.web.auth import WebAuth

    container = bootstrap(settings, understander=_NoUnderstanding())
    try:
        auth = WebAuth.from_settings(settings, container.session_factory, container.org, container.clock)
        links = []
        for employee_id in employee_ids:
            employee = container.org.employee(employee_id)
            if employee is None:
                console.print(f"Onbekende medewerker: {employee_id}", style="red")
                raise typer.Exit(code=1)
            links.append((employee_id, employee.name, auth.invite(employee_id)))
        return links
    finally:
        container.close()


@app.command()
def invite(employee_id: Annotated[str, typer.Argument(help="Employee id from the organisation file")]) -> None:
    """Print a one-time sign-in link for the web (single use, valid 24 hours)."""
    settings = _settings()
    [(_, name, url)] = _invite_links(settings, [employee_id])
    sys.stdout.write(f"Inloglink voor {name} ({employee_id}), één keer te gebruiken, 24 uur geldig:\n{url}\n")


@app.command()
def audit(
    report: Annotated[str | None, typer.Option("--report", help="Only this reference, e.g. MLD-2026-00042")] = None,
    person: Annotated[str | None, typer.Option("--person", help="Only what this employee id did")] = None,
    limit: Annotated[int, typer.Option(help="At most this many lines, newest last")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines")] = False,
) -> None:
    """Print the append-only audit log: who did what, when, on which report, from which channel."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from bot.storage.db import make_engine, make_session_factory
    from bot.storage.db import migrate as run_migrations
    from bot.storage.orm import AuditRow

    settings = _settings()
    engine = make_engine(settings.database_url)
    try:
        run_migrations(engine)
        stmt = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if report:
            stmt = stmt.where(AuditRow.reference == report.strip().upper())
        if person:
            stmt = stmt.where(AuditRow.actor == person)
        with make_session_factory(engine)() as session:
            rows = list(reversed(session.scalars(stmt).all()))
    finally:
        engine.dispose()
    tz = ZoneInfo(settings.timezone)
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps({"at": row.at.isoformat(), "actor": row.actor, "action": row.action,
                                         "reference": row.reference, "details": row.details},
                                        ensure_ascii=False) + "\n")
        return
    table = Table("wanneer", "wie", "wat", "melding", "kanaal", "details")
    for row in rows:
        details = dict(row.details or {})
        channel = str(details.pop("channel", "") or "")
        table.add_row(row.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), row.actor, row.action,
                      row.reference or "-", channel or "-",
                      ", ".join(f"{k}={v}" for k, v in details.items()) or "-")
    console.print(table)
    if not rows:
        console.print("Geen regels gevonden.")


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


@app.command()
def export(
    format: Annotated[ExportFormat, typer.Option("--format", help="json or csv")] = ExportFormat.json,  # noqa: A002
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout)")] = None,
) -> None:
    """Export all reports with the minimum data set."""
    from actions.export import export_csv, export_json
    from bot.bootstrap import bootstrap
    from bot.storage.repositories import SqlAuditLog, SqlReportRepository

    container = bootstrap(_settings(), understander=_NoUnderstanding())
    try:
        with container.session_factory() as session:
            reports = SqlReportRepository(session).all()
            SqlAuditLog(session).record(container.clock.now(), "cli", "export",
                                        details={"format": format.value, "count": len(reports)})
            session.commit()
    finally:
        container.close()
    data = export_json(reports) if format is ExportFormat.json else export_csv(reports)
    if output is None:
        sys.stdout.write(data if data.endswith("\n") else data + "\n")
    else:
        output.write_text(data, encoding="utf-8")
        console.print(f"{len(reports)} meldingen geschreven naar {output}")


@org_app.command("show")
def org_show(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """The people of the organisation: id, name, team, roles, linked identities."""
    from bot.bootstrap import bootstrap
    from bot.storage.repositories import SqlIdentities

    container = bootstrap(_settings(), understander=_NoUnderstanding())
    try:
        with container.session_factory() as session:
            ids = SqlIdentities(session)
            people = [
                {
                    "id": e.id,
                    "name": e.name,
                    "team": e.team_id,
                    "roles": list(e.roles),
                    "email": e.email,
                    "identities": [{"channel": ch, "id": ext} for ch, ext, _ in ids.addresses_of(e.id)],
                }
                for e in container.org.employees
            ]
    finally:
        container.close()
    if as_json:
        sys.stdout.write(json.dumps(people, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("id", "naam", "team", "rollen", "koppelingen")
    for p in people:
        links = ", ".join(f"{i['channel']}:{i['id']}" for i in p["identities"])
        table.add_row(p["id"], p["name"], p["team"] or "-", ", ".join(p["roles"]), links)
    console.print(table)


@app.command("link-code")
def link_code(employee_id: Annotated[str, typer.Argument(help="Employee id")]) -> None:
    """Print a one-time code (7 days) with which an employee links a chat account."""
    from bot.bootstrap import bootstrap

    container = bootstrap(_settings(), understander=_NoUnderstanding())
    try:
        if container.org.employee(employee_id) is None:
            console.print(f"Onbekende medewerker: {employee_id}", style="red")
            raise typer.Exit(code=1)
        with container.uow_factory() as uow:
            now = container.clock.now()
            code = uow.link_codes.create(employee_id, now)
            uow.audit.record(now, "cli", "link_code_created", details={"employee": employee_id})
            uow.commit()
    finally:
        container.close()
    sys.stdout.write(f"Koppelcode voor {employee_id} (7 dagen geldig): {code}\n")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    from bot.storage.db import make_engine
    from bot.storage.db import migrate as run

    engine = make_engine(_settings().database_url)
    run(engine)
    engine.dispose()
    console.print("Database is bijgewerkt.")


@app.command()
def tick() -> None:
    """Run due follow-up once: check-ins, reminders, digests and outgoing messages (e-mail here;
    chat messages wait for the server, which has the channels)."""
    from actions.scheduler import run_tick_once
    from bot.bootstrap import bootstrap

    _logging()
    settings = _settings()
    served = {"telegram": settings.telegram_token is not None,
              "teams": bool(settings.teams_app_id or settings.teams_dev_anonymous)}
    container = bootstrap(settings, understander=_NoUnderstanding())
    try:
        result = run_tick_once(container, deferred_channels=[name for name, on in served.items() if on])
    finally:
        container.close()
    sys.stdout.write(f"Klaargezet: {result.materialised}, verstuurd: {result.sent}, later opnieuw: {result.retried}, "
                     f"niet bezorgd: {result.undeliverable + result.failed}, voor de server: {result.deferred}\n")


@app.command()
def aangifte(
    reference: Annotated[str, typer.Argument(help="Reference of the report, e.g. MLD-2026-00042")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout)")] = None,
) -> None:
    """Print the draft police statement of a report: the 7 W's, the employer's address, marked VPT."""
    from actions.aangifte import draft_for
    from bot.bootstrap import bootstrap

    container = bootstrap(_settings(), understander=_NoUnderstanding())
    try:
        with container.uow_factory() as uow:
            draft = draft_for(uow, container.org, container.texts, container.tz, reference, None,
                              container.clock.now(), "cli")
            uow.commit()
    finally:
        container.close()
    if draft is None:
        console.print(f"Onbekende melding: {reference}", style="red")
        raise typer.Exit(code=1)
    if output is None:
        sys.stdout.write(draft)
    else:
        output.write_text(draft, encoding="utf-8")
        console.print(f"Concept-aangifte geschreven naar {output}")


class _NoUnderstanding:
    """For commands that never run a turn: no model needs to load."""

    def understand(self, text: str, context: object) -> object:
        raise RuntimeError("this command does not understand text")


def _register_nlu_commands() -> None:
    try:
        from nlu.commands import register
    except ImportError:  # the understanding package is optional for the other commands
        return
    register(app, _settings)


_register_nlu_commands()
from bot.cli_admin import register as _register_admin  # noqa: E402

_register_admin(app)


def main() -> None:
    app()
