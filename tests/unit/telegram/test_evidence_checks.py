"""Evidence is checked by declared size and type before download, and by its first bytes after."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.channels.telegram.evidence import EvidenceFetcher, EvidenceRejected
from bot.channels.telegram.translate import FileToFetch
from bot.channels.telegram.webhook import secret_matches, webhook_path
from bot.evidence import sniff
from tests.unit.telegram.updates import JPEG, PDF, PNG


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "image/heic"),
        (b"PK\x03\x04 a word file", None),
        (b"MZ an executable", None),
        (b"", None),
    ],
)
def test_the_type_of_a_file_is_read_from_its_first_bytes(data: bytes, mime: str | None) -> None:
    assert sniff(data) == mime


def _fetcher(tmp_path: Path) -> EvidenceFetcher:
    return EvidenceFetcher(bot=None, directory=tmp_path, max_bytes=20 * 1024 * 1024)  # type: ignore[arg-type]


def test_a_file_declared_over_20_mb_is_refused_before_download(tmp_path: Path) -> None:
    with pytest.raises(EvidenceRejected) as caught:
        _fetcher(tmp_path).check(FileToFetch("photo", "f", "u", "image/jpeg", 20 * 1024 * 1024 + 1, None))
    assert caught.value.reason == "too_large"


@pytest.mark.parametrize("mime", ["application/zip", "video/mp4", "application/msword", "text/html"])
def test_a_document_of_another_type_is_refused_before_download(tmp_path: Path, mime: str) -> None:
    with pytest.raises(EvidenceRejected) as caught:
        _fetcher(tmp_path).check(FileToFetch("document", "f", "u", mime, 100, "x"))
    assert caught.value.reason == "wrong_type"


@pytest.mark.parametrize("mime", ["application/pdf", "image/png", "IMAGE/JPEG", None])
def test_image_and_pdf_documents_may_be_downloaded(tmp_path: Path, mime: str | None) -> None:
    _fetcher(tmp_path).check(FileToFetch("document", "f", "u", mime, 100, "x"))


def test_the_webhook_secret_must_match_exactly() -> None:
    assert secret_matches("s3cret-Token_1", "s3cret-Token_1")
    assert not secret_matches(None, "s3cret-Token_1")
    assert not secret_matches("", "s3cret-Token_1")
    assert not secret_matches("s3cret-Token_2", "s3cret-Token_1")
    assert not secret_matches("s3cret-Token_1é", "s3cret-Token_1")


def test_the_webhook_is_served_at_the_path_of_its_public_url() -> None:
    assert webhook_path("https://meldbot.example.nl/telegram/hook-1?x=1") == "/telegram/hook-1"
    assert webhook_path("https://meldbot.example.nl") == "/"
