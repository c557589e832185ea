"""Operator commands for personal data and safety copies: retention, person export/erase, backup, restore."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from actions.retention import DEFAULT_YEARS, retention_cutoff
from bot.clock import SystemClock
from bot.settings import Settings

person_app = typer.Typer(help="Persoonsgegevens van één medewerker (AVG: inzage en verwijdering).",
                         no_args_is_help=True)


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    """A session on the configured database, its schema brought up to date first."""
    from bot.storage.db import make_engine, make_session_factory, migrate

    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would be deleted")] = False,
    years: Annotated[int, typer.Option(
        "--years", min=0, envvar="MELDBOT_RETENTION_YEARS",
        help="Keep closed reports this many years after closing")] = DEFAULT_YEARS,
) -> None:
    """Delete closed reports (status 'afgerond') past the retention period, with everything kept for them,
    and evidence files no report or report in progress refers to (older than two days)."""
    from bot.storage.retention import (
        due_reports,
        purge_closed_reports,
        record_sweep,
        remove_files,
        unreferenced_files,
    )

    settings = Settings()
    now = SystemClock().now()
    with _session(settings) as session:
        due = due_reports(session, retention_cutoff(now, years))
        if dry_run or not due:
            for report in due:
                sys.stdout.write(f"{report.reference}  afgerond op {report.closed_at.date().isoformat()}\n")
            word = "zouden worden" if dry_run else "worden"
            sys.stdout.write(f"{len(due)} afgeronde meldingen ouder dan {years} jaar {word} verwijderd.\n")
        else:
            removed = purge_closed_reports(session, due, settings.attachments_dir, now)
            session.commit()
            files = remove_files(removed.files)
            sys.stdout.write(f"{len(due)} afgeronde meldingen verwijderd ({files} bewijsstukken); "
                             "het auditlog vermeldt elke verwijdering.\n")
        orphans = unreferenced_files(session, settings.attachments_dir, now)
        if dry_run or not orphans:
            word = "zouden worden" if dry_run else "worden"
            sys.stdout.write(f"{len(orphans)} bewijsbestanden zonder melding {word} verwijderd.\n")
            return
        record_sweep(session, orphans, now)
        session.commit()
    gone = remove_files(orphans)
    sys.stdout.write(f"{gone} bewijsbestanden zonder melding verwijderd (van gestopte meldingen of mislukte "
                     "uploads).\n")


def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (.tar.gz)")],
) -> None:
    """Back up the SQLite database (online, consistent) and the evidence files into one file."""
    from bot.backup import BackupError, make_backup

    settings = Settings()
    if file.exists():
        typer.echo(f"Het bestand bestaat al: {file}", err=True)
        raise typer.Exit(code=1)
    try:
        info = make_backup(settings.database_url, settings.attachments_dir, file)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=1) from exc
    sys.stdout.write(f"Backup geschreven naar {file}: {info.reports} meldingen, {info.files} bewijsstukken.\n")


def restore(
    file: Annotated[Path, typer.Argument(help="A backup made with 'meldbot backup'")],
) -> None:
    """Restore a backup into a new database file and an empty evidence directory (MELDBOT_DATABASE_URL etc.)."""
    from bot.backup import BackupError, restore_backup

    settings = Settings()
    try:
        info = restore_backup(file, settings.database_url, settings.attachments_dir)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=1) from exc
    sys.stdout.write(f"Backup teruggezet: {info.reports} meldingen, {info.files} bewijsstukken.\n")


@person_app.command("export")
def person_export(
    employee_id: Annotated[str, typer.Argument(help="Employee id")],
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON file to write")],
) -> None:
    """Write everything stored about one employee to a JSON file (access request), audit-logged."""
    from bot.storage.orm import AuditRow
    from bot.storage.retention import person_data

    settings = Settings()
    with _session(settings) as session:
        data = person_data(session, employee_id)
        session.add(AuditRow(at=SystemClock().now(), actor="cli", action="person_exported",
                             details={"employee": employee_id, "reports": len(data["reports"])}))
        output.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        session.commit()
    sys.stdout.write(f"Gegevens van {employee_id} geschreven naar {output} ({len(data['reports'])} meldingen).\n")


@person_app.command("erase")
def person_erase(
    employee_id: Annotated[str, typer.Argument(help="Employee id")],
    yes: Annotated[bool, typer.Option("--yes", help="Really delete (there is no undo)")] = False,
) -> None:
    """Delete one employee's reports, conversations, identities, sessions, links and check-ins, audit-logged."""
    from bot.storage.retention import erase_person, remove_files

    if not yes:
        typer.echo("Dit verwijdert alle gegevens van deze medewerker en kan niet ongedaan worden gemaakt. "
                   "Herhaal met --yes.", err=True)
        raise typer.Exit(code=1)
    settings = Settings()
    with _session(settings) as session:
        removed = erase_person(session, employee_id, settings.attachments_dir, SystemClock().now())
        session.commit()
    files = remove_files(removed.files)
    summary = ", ".join(f"{table}: {count}" for table, count in sorted(removed.rows.items())) or "niets gevonden"
    sys.stdout.write(f"Gegevens van {employee_id} verwijderd ({summary}; {files} bewijsstukken).\n")


def register(app: typer.Typer) -> None:
    """Add the commands to the `meldbot` app."""
    app.command()(retention)
    app.command()(backup)
    app.command()(restore)
    app.add_typer(person_app, name="person")
