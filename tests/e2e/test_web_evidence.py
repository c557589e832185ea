"""Evidence in the web chat over HTTP: a photo and a PDF reach the filed report; other files get a Dutch refusal."""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.evidence import ALLOWED_TYPES
from bot.web.evidence_upload import EVIDENCE_PATH, MAX_UPLOAD_BYTES, display_name
from tests.e2e.test_web_chat import Server, post, web_chat

STORY = "Gisteravond aan de balie dreigde een man: ik weet waar je woont. Mijn collega zag het. Geen letsel."
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
TOO_LARGE = "Dit bestand is te groot. Stuur een bestand tot 10 MB"
WRONG_TYPE = "Dit soort bestand kan ik niet bewaren. Stuur een foto, een schermafbeelding of een pdf."


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG image (red pixels), made here so that the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    with web_chat(request.param, tmp_path) as running_server:
        yield running_server


def upload(client: httpx.Client, data: bytes, name: str, message_id: str | None = None,
           content_type: str = "application/octet-stream") -> httpx.Response:
    params = {"message_id": message_id or uuid.uuid4().hex, "name": name}
    return client.post(EVIDENCE_PATH, params=params, content=data, headers={"content-type": content_type})


def stored_files(server: Server) -> list[Path]:
    """Every file under the attachments directory, temporary ones included."""
    root = Path(server.app.state.container.settings.attachments_dir)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def start_report(client: httpx.Client) -> None:
    post(client, "Hallo")
    reply = post(client, STORY).json()["replies"]
    assert reply[-1]["choices"][-1] == "Nee, verder"


def finish_report(client: httpx.Client) -> str:
    feel = post(client, "Nee, verder").json()["replies"][0]
    post(client, "2", in_reply_to=feel["prompt_id"])
    post(client, "niets")
    post(client, "Klopt")
    final = post(client, "Versturen").json()["replies"][0]["text"]
    assert final.startswith("Je melding is opgeslagen onder MLD-")
    return str(final.split("onder ", 1)[1].split(".", 1)[0])


def test_a_file_sent_shows_in_the_conversation_read_back_after_a_reload(server: Server) -> None:
    with server.client() as client:
        start_report(client)
        assert upload(client, png(), "IMG_0042.png").status_code == 200
        history = client.get("/api/chat/history").json()
    mine = [entry["text"] for entry in history["messages"] if entry["who"] == "me"]
    assert mine[-1] == "Bijlage: IMG_0042.png"
    assert history["messages"][-2]["text"] == "Bewijs ontvangen, ik voeg het toe aan je melding."


def test_a_photo_and_a_pdf_sent_in_the_web_chat_are_in_the_filed_report(server: Server) -> None:
    image = png()
    with server.client() as client:
        start_report(client)
        photo = upload(client, image, "IMG_0042.png", message_id="photo-1")
        assert photo.status_code == 200
        replies = photo.json()["replies"]
        assert replies[0] == {"text": "Bewijs ontvangen, ik voeg het toe aan je melding.", "choices": [],
                              "prompt_id": None}
        assert replies[-1]["choices"][-1] == "Nee, verder"  # the question of the moment, asked again
        letter = upload(client, PDF, "brief van de burger.pdf")
        assert letter.status_code == 200
        assert letter.json()["replies"][0]["text"].startswith("Bewijs ontvangen")
        reference = finish_report(client)

        report = client.get(f"/api/reports/{reference}").json()
        assert report["channel"] == "web"
        evidence = report["evidence"]
        assert [(e["kind"], e["mime_type"], e["size"], e["original_name"]) for e in evidence] == [
            ("photo", "image/png", len(image), "IMG_0042.png"),
            ("document", "application/pdf", len(PDF), "brief van de burger.pdf"),
        ]
        assert all(e["path"].startswith("web/") for e in evidence)
        first = client.get(f"/api/reports/{reference}/evidence/1")
        assert first.status_code == 200
        assert first.content == image
        assert first.headers["content-type"] == "image/png"
        second = client.get(f"/api/reports/{reference}/evidence/2")
        assert second.content == PDF
        assert second.headers["content-type"] == "application/pdf"
    assert not [p for p in stored_files(server) if p.name.startswith(".part-")]


def test_the_same_upload_sent_twice_is_kept_once_and_answered_the_same(server: Server) -> None:
    image = png(3, 1)
    with server.client() as client:
        start_report(client)
        first = upload(client, image, "foto.png", message_id="dup-1")
        again = upload(client, image, "foto.png", message_id="dup-1")
        assert first.status_code == again.status_code == 200
        assert again.content == first.content
        assert len(stored_files(server)) == 1
        reference = finish_report(client)
        assert len(client.get(f"/api/reports/{reference}").json()["evidence"]) == 1


@pytest.mark.parametrize(
    ("data", "name"),
    [(EXE, "foto.png"), (EXE, "setup.exe"), (b"Dit is geen foto, maar tekst.\n", "foto.png"),
     (b"PK\x03\x04 a word file", "verslag.pdf"), (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "plaatje.png")],
)
def test_a_file_that_is_no_photo_or_pdf_by_its_content_is_refused_in_dutch(server: Server, data: bytes,
                                                                          name: str) -> None:
    with server.client() as client:
        start_report(client)
        res = upload(client, data, name, content_type="image/png")
        assert res.status_code == 415
        assert res.json()["detail"].startswith(WRONG_TYPE)
        assert res.json()["detail"].endswith("Er is niets opgeslagen.")
    assert stored_files(server) == []


def test_a_file_over_10_mb_is_refused_in_dutch_and_nothing_is_kept(server: Server) -> None:
    too_big = png() + b"\x00" * (MAX_UPLOAD_BYTES + 1 - len(png()))
    with server.client() as client:
        start_report(client)
        res = upload(client, too_big, "groot.png")
        assert res.status_code == 413
        assert res.json()["detail"].startswith(TOO_LARGE)

        # Without a declared length (sent in chunks) the limit holds while the bytes arrive.
        def chunks() -> Iterator[bytes]:
            for start in range(0, len(too_big), 1024 * 1024):
                yield too_big[start:start + 1024 * 1024]

        res = client.post(EVIDENCE_PATH, params={"message_id": "chunked"}, content=chunks())
        assert res.status_code == 413
        assert res.json()["detail"].startswith(TOO_LARGE)
        # Exactly at the limit is still accepted.
        res = upload(client, too_big[:MAX_UPLOAD_BYTES], "precies.png")
        assert res.status_code == 200
        assert res.json()["replies"][0]["text"].startswith("Bewijs ontvangen")
    assert [p.stat().st_size for p in stored_files(server)] == [MAX_UPLOAD_BYTES]


def test_an_empty_file_is_refused_in_dutch(server: Server) -> None:
    with server.client() as client:
        start_report(client)
        res = upload(client, b"", "leeg.png")
        assert res.status_code == 422
        assert res.json()["detail"] == "Dit bestand is leeg. Kies het bestand opnieuw. Er is niets opgeslagen."
    assert stored_files(server) == []


def test_a_form_upload_is_refused_with_a_dutch_hint(server: Server) -> None:
    with server.client() as client:
        start_report(client)
        res = client.post(EVIDENCE_PATH, params={"message_id": "m1"}, files={"file": ("foto.png", png())})
        assert res.status_code == 415
        assert "niet als formulier" in res.json()["detail"]
    assert stored_files(server) == []


def test_without_a_report_going_on_the_file_is_not_kept(server: Server) -> None:
    with server.client() as client:
        res = upload(client, png(), "foto.png")
        assert res.status_code == 200
        assert res.json()["replies"][0]["text"].startswith("Je hebt nog geen melding lopen.")
    assert stored_files(server) == []


def test_an_upload_without_signing_in_or_from_another_site_is_refused(server: Server) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as stranger:
        res = upload(stranger, png(), "foto.png")
        assert res.status_code == 401
        assert res.json()["detail"] == "Je bent niet ingelogd. Open de startpagina en log in."
        assert stranger.get(EVIDENCE_PATH).status_code == 401
    with server.client() as client:
        start_report(client)
        res = client.post(EVIDENCE_PATH, params={"message_id": "csrf"}, content=png(),
                          headers={"Origin": "https://elders.example"})
        assert res.status_code == 403
        assert res.json()["detail"].startswith("Dit verzoek kwam niet van de meldbot-pagina")
        res = client.post(EVIDENCE_PATH, content=png())
        assert res.status_code == 422  # no message id: nothing to deduplicate by
    assert stored_files(server) == []


def test_the_page_can_ask_what_the_upload_accepts(server: Server) -> None:
    with server.client() as client:
        rules = client.get(EVIDENCE_PATH).json()
    assert rules == {"max_bytes": MAX_UPLOAD_BYTES, "max_mb": 10, "types": list(ALLOWED_TYPES)}


def test_the_larger_limit_is_for_the_upload_only(server: Server) -> None:
    with server.client() as client:
        res = client.post("/api/chat", content=b"{" + b" " * (100 * 1024) + b"}",
                          headers={"content-type": "application/json"})
    assert res.status_code == 413
    assert res.json()["detail"].startswith("Het verzoek is te groot")


@pytest.mark.parametrize(
    ("given", "kept"),
    [("IMG_0042.HEIC", "IMG_0042.HEIC"), ("C:\\Users\\sam\\brief.pdf", "brief.pdf"), ("../../etc/passwd", "passwd"),
     ("foto\x00\x1b[31m.png", "foto[31m.png"), ("   ", None), ("", None), (None, None), ("a" * 300, "a" * 200)],
)
def test_the_name_of_an_upload_is_kept_without_folders_or_control_characters(given: str | None,
                                                                              kept: str | None) -> None:
    assert display_name(given) == kept
