"""Backup and restore of the embedded setup: the SQLite database (online backup API) and the evidence files.

A backup is one tar.gz with `meldbot.db` (a consistent copy, taken while the server may keep writing)
and `attachments/...`, plus `backup.json` describing it. PostgreSQL is backed up with its own tools
(pg_dump / pg_restore); the evidence directory is then copied beside it.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

DB_NAME = "meldbot.db"
ATTACHMENTS = "attachments"
MANIFEST = "backup.json"
FORMAT = 1


class BackupError(Exception):
    """The backup cannot be made or restored as asked (message in Dutch for the operator)."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    reports: int
    files: int


def sqlite_path(database_url: str) -> Path:
    """The database file of a SQLite URL; BackupError for PostgreSQL or an in-memory database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError("Alleen de ingebouwde SQLite-database; gebruik pg_dump/pg_restore voor PostgreSQL.")
    if not url.database or url.database == ":memory:":
        raise BackupError("Een database in het geheugen kan niet worden bewaard.")
    return Path(url.database)


def _count_reports(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def make_backup(database_url: str, attachments_dir: Path, target: Path) -> BackupInfo:
    """Write a backup of the database and the evidence files to `target` (a .tar.gz)."""
    source = sqlite_path(database_url)
    if not source.exists():
        raise BackupError(f"Database niet gevonden: {source}")
    with tempfile.TemporaryDirectory(prefix="meldbot-backup-") as tmp:
        copy = Path(tmp) / DB_NAME
        src = sqlite3.connect(source)
        dst = sqlite3.connect(copy)
        try:
            with dst:
                src.backup(dst)  # consistent even while another process writes (WAL)
        finally:
            dst.close()
            src.close()
        files = sorted(p for p in attachments_dir.rglob("*") if p.is_file()) if attachments_dir.is_dir() else []
        info = BackupInfo(reports=_count_reports(copy), files=len(files))
        manifest = {"format": FORMAT, "made_at": datetime.now(UTC).isoformat(), "reports": info.reports,
                    "files": info.files}
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            entry = tarfile.TarInfo(MANIFEST)
            entry.size = len(data)
            tar.addfile(entry, io.BytesIO(data))
            tar.add(copy, arcname=DB_NAME)
            for path in files:
                tar.add(path, arcname=f"{ATTACHMENTS}/{path.relative_to(attachments_dir).as_posix()}")
        partial.replace(target)
    return info


def restore_backup(archive: Path, database_url: str, attachments_dir: Path) -> BackupInfo:
    """Restore a backup into a database file that does not exist yet and an empty attachments directory."""
    target = sqlite_path(database_url)
    if target.exists():
        raise BackupError(f"De database bestaat al: {target}. Zet een backup terug in een nieuwe, lege plek.")
    if attachments_dir.exists() and any(attachments_dir.iterdir()):
        raise BackupError(f"De map voor bewijsstukken is niet leeg: {attachments_dir}")
    with tempfile.TemporaryDirectory(prefix="meldbot-restore-") as tmp:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(tmp, filter="data")  # no absolute paths, no '..', no links out
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"Geen leesbare backup: {archive}") from exc
        root = Path(tmp)
        if not (root / MANIFEST).is_file() or not (root / DB_NAME).is_file():
            raise BackupError(f"Geen meldbot-backup: {archive}")
        manifest = json.loads((root / MANIFEST).read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("Deze backup heeft een onbekend formaat.")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / DB_NAME, target)
        files = 0
        source_files = root / ATTACHMENTS
        if source_files.is_dir():
            for path in sorted(p for p in source_files.rglob("*") if p.is_file()):
                destination = attachments_dir / path.relative_to(source_files)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)
                files += 1
    return BackupInfo(reports=_count_reports(target), files=files)
