"""In headless Chromium on a phone-sized screen: attach a photo to a report with the keyboard, see it sent, file it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.e2e.test_browser import (
    PHONE,
    answer_until_filed,
    browser,
    embedded,
    serious_violations,
    type_message,
    wait_for_reply,
)
from tests.e2e.test_web_evidence import png
from tests.unit.followup.script import THREAT
from tests.web import link_path

pytestmark = pytest.mark.slow
__all__ = ["browser", "embedded"]  # fixtures shared with the other browser tests: Chromium, the embedded default


def phone(browser: Any, **options: Any) -> Any:
    return browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, **options)


def attach_with_the_keyboard(page: Any, name: str, mime: str, data: bytes) -> None:
    """From the text box, Shift+Tab to the attach button and press Enter: the phone's file picker opens."""
    page.focus("#input")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "attach"
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    assert chooser.value.is_multiple()
    chooser.value.set_files(files=[{"name": name, "mimeType": mime, "buffer": data}])


def file_the_report(page: Any) -> str:
    """Answer the remaining questions by tapping and typing; the reference the report was filed under."""
    answer_until_filed(page)
    found = re.search(r"Je melding is opgeslagen onder (MLD-\d{4}-\d{5})", page.locator("#log").inner_text())
    assert found is not None
    return found.group(1)


def test_a_reporter_attaches_a_photo_on_a_phone_and_it_is_in_the_report(
        browser: Any, embedded: tuple[FastAPI, str], tmp_path: Path) -> None:
    app, base = embedded
    context = phone(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # Listening from the start turns Playwright's interception of file pickers on before the first one opens.
    page.on("filechooser", lambda _chooser: None)
    page.goto(base + link_path(app, "demo"))
    page.wait_for_selector(".msg.bot")
    type_message(page, THREAT)

    button = page.get_by_role("button", name="Bijlage toevoegen")
    assert button.is_visible()
    box = button.bounding_box()
    assert box is not None
    assert box["width"] >= 44
    assert box["height"] >= 44  # a finger-sized target
    image = png(40, 30)
    before = int(page.locator(".msg.bot").count())
    attach_with_the_keyboard(page, "IMG_0042.png", "image/png", image)
    wait_for_reply(page, before)
    mine = page.locator(".msg.me.file").last
    assert mine.inner_text().splitlines() == ["Bijlage: IMG_0042.png (1 kB)", "Verstuurd"]
    assert page.locator(".msg.bot").nth(before).inner_text() == "Bewijs ontvangen, ik voeg het toe aan je melding."
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    page.screenshot(path=str(tmp_path / "evidence-on-a-phone.png"), full_page=False)

    # A text file named as a photo: the server reads the content and refuses it in Dutch. (Chosen straight into
    # the input: Playwright's intercepted picker opens only every other time in a row.)
    before = int(page.locator(".msg.bot").count())
    page.set_input_files("#file", files=[{"name": "foto.png", "mimeType": "image/png", "buffer": b"Geen foto.\n"}])
    wait_for_reply(page, before)
    assert page.locator(".msg.bot.err").last.inner_text().startswith("Dit soort bestand kan ik niet bewaren.")
    assert page.locator(".msg.me.file").last.inner_text().endswith("Niet verstuurd")
    # Over the limit: refused on the phone itself, before anything is sent.
    before = int(page.locator(".msg.bot").count())
    page.set_input_files("#file", files=[{"name": "video.png", "mimeType": "image/png",
                                          "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024)}])
    wait_for_reply(page, before)
    assert page.locator(".msg.bot.err").last.inner_text().startswith("Dit bestand is te groot. Stuur een bestand "
                                                                   "tot 10 MB")

    reference = file_the_report(page)
    report = page.request.get(f"{base}/api/reports/{reference}").json()
    assert [e["original_name"] for e in report["evidence"]] == ["IMG_0042.png"]
    assert page.request.get(f"{base}/api/reports/{reference}/evidence/1").body() == image
    # The one deliberate refusal (415) is the only thing the browser reports as an error.
    assert [e for e in errors if "status of 415" not in e] == []
    context.close()


def test_the_chat_with_an_attachment_passes_the_accessibility_check(browser: Any,
                                                                    embedded: tuple[FastAPI, str]) -> None:
    app, base = embedded
    # axe-core is injected as a script, which the page's Content-Security-Policy would rightly refuse.
    context = phone(browser, bypass_csp=True)
    page = context.new_page()
    page.goto(base + link_path(app, "demo"))
    page.wait_for_selector(".msg.bot")
    type_message(page, THREAT)
    before = int(page.locator(".msg.bot").count())
    page.set_input_files("#file", files=[{"name": "scherm.png", "mimeType": "image/png", "buffer": png()}])
    wait_for_reply(page, before)
    assert serious_violations(page) == []
    context.close()
