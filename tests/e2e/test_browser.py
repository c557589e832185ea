"""In headless Chromium on a phone-sized screen: sign in (one-time link, or at the OpenID provider), then report."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import func, select

from bot.bootstrap import bootstrap
from bot.settings import Settings
from bot.storage.orm import ReportRow
from bot.web.app import create_app
from tests.e2e.test_backoffice import Office
from tests.fakes import FakeClock, FakeUnderstander
from tests.oidc_provider import OIDC_DIR, running_provider
from tests.servers import free_port, running
from tests.unit.followup.script import INSULT, THREAT
from tests.web import link_path

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"
PHONE = {"width": 390, "height": 844}
# As root in a closed network: no sandbox, and none of Chromium's own background connections.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail("Chromium is required in CI (Debian package chromium)")
        pytest.skip("no Chromium on this machine (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


AXE = OIDC_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 AA violations on the current page."""
    if not AXE.is_file():
        if IN_CI:
            pytest.fail("axe-core is required in CI (npm ci --prefix tests/node)")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/node)")
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations
             .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))""",
        WCAG_AA)
    return [v for v in found if v["impact"] in ("serious", "critical")]


def bot_replies(page: Any) -> int:
    return int(page.locator(".msg.bot").count())


def wait_for_reply(page: Any, before: int) -> None:
    page.wait_for_function("n => document.querySelectorAll('.msg.bot').length > n", arg=before, timeout=10_000)


def type_message(page: Any, text: str) -> None:
    before = bot_replies(page)
    page.fill("#input", text)
    page.keyboard.press("Enter")
    wait_for_reply(page, before)


def tap(page: Any, label: str) -> None:
    before = bot_replies(page)
    page.locator(".choices button:not([disabled])", has_text=label).last.click()
    wait_for_reply(page, before)


def report_a_threat(page: Any) -> str:
    """The whole report by typing and tapping, as a reporter on a phone would; returns the closing text."""
    page.wait_for_selector(".msg.bot")  # the greeting
    type_message(page, THREAT)
    return answer_until_filed(page)


def answer_until_filed(page: Any) -> str:
    """After the story: the remaining questions answered by tapping and typing; the whole chat as text."""
    tap(page, "Nee, verder")
    for _ in range(6):
        last = page.locator(".msg.bot").last.inner_text()
        if "Hoe voel je je nu?" in last:
            tap(page, "Gaat wel")
        elif "Wat wil je nu?" in last:
            type_message(page, "1 en 3")
        elif "Klopt dat?" in last:
            tap(page, "Klopt")
        elif "Klopt dit?" in page.locator("#log").inner_text():
            tap(page, "Versturen")
            break
        else:
            type_message(page, "weet ik niet")
    return str(page.locator("#log").inner_text())


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[tuple[FastAPI, str]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", scheduler_enabled=False,
                        attachments_dir=tmp_path / "attachments")
    container = bootstrap(settings, understander=FakeUnderstander())
    try:
        app = create_app(container=container)
        with running(app) as base:
            yield app, base
    finally:
        container.close()


def test_a_reporter_signs_in_with_a_link_and_reports_on_a_phone(browser: Any, embedded: tuple[FastAPI, str],
                                                                 tmp_path: Path) -> None:
    app, base = embedded
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(base + link_path(app, "demo"))
    assert page.url == base + "/"
    assert "Ingelogd als Sam de Vries" in page.locator("header").inner_text()
    log = report_a_threat(page)
    assert "Je melding is opgeslagen onder MLD-" in log
    page.screenshot(path=str(tmp_path / "report-on-a-phone.png"), full_page=False)
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("header button", has_text="Uitloggen").click()
    page.wait_for_selector("text=Je bent uitgelogd")
    page.goto(base + "/")
    assert "Inloggen" in page.locator("main").inner_text()
    assert errors == []
    context.close()


def test_an_employee_signs_in_at_the_organisation_provider_and_reports(browser: Any, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    clients = [{"client_id": "meldbot", "client_secret": "test-only", "redirect_uris": [f"{base}/auth/callback"]}]
    accounts = {"sam": {"email": "sam.devries@voorbeeldstad.example", "name": "Sam de Vries"}}
    with running_provider(clients, accounts) as provider:
        settings = Settings(database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", scheduler_enabled=False,
                            public_url=base, oidc_issuer=provider.issuer, oidc_client_id="meldbot",
                            oidc_client_secret="test-only")  # type: ignore[arg-type]
        container = bootstrap(settings, understander=FakeUnderstander())
        try:
            with running(create_app(container=container), port=port):
                context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
                page = context.new_page()
                page.goto(base + "/")
                page.get_by_text("Inloggen met je organisatieaccount").click()
                page.wait_for_url(f"{provider.issuer}/**")
                page.fill("input[name=login]", "sam")
                page.fill("input[name=password]", "any")
                page.locator("button[type=submit], input[type=submit]").first.click()
                page.wait_for_url(base + "/")
                assert "Ingelogd als Sam de Vries" in page.locator("header").inner_text()
                log = report_a_threat(page)
                assert "Je melding is opgeslagen onder MLD-" in log
                context.close()
        finally:
            container.close()


def test_a_manager_handles_a_report_in_the_back_office_and_the_reporter_hears_it(browser: Any,
                                                                              tmp_path: Path) -> None:
    clock = FakeClock()
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'meldbot.db'}", scheduler_enabled=False)
    container = bootstrap(settings, understander=FakeUnderstander(), clock=clock)
    try:
        app = create_app(container=container)
        with running(app) as base:
            office = Office(app, base, container, clock, {})
            reference = office.file("demo", THREAT)
            other_team = office.file("ahmed", INSULT)
            office.close()
            # axe-core is injected as a script, which the pages' Content-Security-Policy would rightly refuse.
            context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            page = context.new_page()
            page.goto(base + link_path(app, "mgr"))
            page.goto(base + "/beheer")
            inbox = page.locator("main").inner_text()
            assert reference in inbox
            assert other_team not in inbox
            assert serious_violations(page) == []
            page.get_by_role("link", name=reference).click()
            page.wait_for_url(f"{base}/beheer/meldingen/{reference}")
            assert "ik weet waar je woont" in page.locator("main").inner_text()
            assert serious_violations(page) == []
            page.select_option("select[name=action]", "reaction")
            page.select_option("select[name=how]", "telefoon")
            page.fill("textarea[name=note]", "Burger gebeld, grens gesteld.")
            page.get_by_role("button", name="Vastleggen").click()
            page.wait_for_selector("text=Vastgelegd: Reactie naar de burger")
            assert "gehaald" in page.locator("table").first.inner_text()
            page.screenshot(path=str(tmp_path / "report-page.png"), full_page=True)
            context.close()

            other = browser.new_context()
            page = other.new_page()
            page.goto(base + link_path(app, "mgr2"))
            response = page.goto(f"{base}/beheer/meldingen/{reference}")
            assert response is not None
            assert response.status == 404
            other.close()

            reporter = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
            page = reporter.new_page()
            page.goto(base + link_path(app, "demo"))
            page.wait_for_selector(".msg.bot")
            assert serious_violations(page) == []
            type_message(page, "mijn meldingen")
            assert "Je leidinggevende heeft de burger gebeld." in page.locator("#log").inner_text()
            reporter.close()

            coordinator = browser.new_context(bypass_csp=True, accept_downloads=True)
            page = coordinator.new_page()
            page.goto(base + link_path(app, "coord"))
            page.goto(base + "/beheer")
            everything = page.locator("main").inner_text()
            assert reference in everything
            assert other_team in everything
            page.get_by_role("link", name="Overzicht").click()
            page.wait_for_url(base + "/beheer/overzicht")
            assert serious_violations(page) == []
            with page.expect_download() as xlsx:
                page.get_by_role("link", name="Minimale dataset (Excel)").click()
            workbook = load_workbook(io.BytesIO(Path(xlsx.value.path()).read_bytes()), read_only=True)
            rows = list(workbook.active.iter_rows(values_only=True))
            with container.session_factory() as session:
                stored = session.scalar(select(func.count()).select_from(ReportRow))
            assert len(rows) - 1 == stored == 2  # a header row, then one row a report
            assert rows[0][0] is not None
            with page.expect_download() as pdf:
                page.get_by_role("link", name="Jaaroverzicht").click()
            assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
            page.screenshot(path=str(tmp_path / "figures-page.png"), full_page=True)
            coordinator.close()
    finally:
        container.close()
