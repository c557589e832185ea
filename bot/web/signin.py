"""Sign-in pages: one-time links, OpenID Connect (code flow with PKCE), sign-out; Dutch pages for every failure."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from bot.domain.access import Permission, may
from bot.storage.auth import LinkOutcome
from bot.web.auth import LOGIN_COOKIE, PENDING_VALID, SESSION_COOKIE, Principal, WebAuth
from bot.web.oidc import ProviderUnavailable, SignInFailed

logger = logging.getLogger(__name__)

_LINK_PAGES = {
    LinkOutcome.USED: ("link_used_title", "link_used_text", 410),
    LinkOutcome.EXPIRED: ("link_expired_title", "link_expired_text", 410),
    LinkOutcome.UNKNOWN: ("link_unknown_title", "link_unknown_text", 404),
}


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def safe_next(value: str | None) -> str:
    """Only a path on this site (no scheme, no host, no backslashes): never an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 500:
        return "/"
    return value


class Pages:
    """Renders the Dutch pages (texts by key from data/web.nl.yml)."""

    def __init__(self, templates: Jinja2Templates, texts: Mapping[str, str]) -> None:
        self.templates = templates
        self.t = texts

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("person", None)
        response = self.templates.TemplateResponse(request, name, {"t": self.t, **context}, status_code=status)
        response.headers["Cache-Control"] = "no-store"
        return response

    def message(self, request: Request, title_key: str, text_key: str, status: int, *,
                action_url: str | None = "/", action_label: str | None = None) -> HTMLResponse:
        return self.render(request, "page.html", status, title=self.t[title_key], text=self.t[text_key],
                           action_url=action_url, action_label=action_label or self.t["back_to_start"])


def set_session_cookie(response: Response, sid: str, auth: WebAuth) -> None:
    response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", secure=auth.secure_cookies, path="/",
                        max_age=int(auth.idle_chat.total_seconds()) + 86400)


def clear_session_cookie(response: Response, auth: WebAuth) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=auth.secure_cookies)


async def resolve_principal(request: Request, auth: WebAuth) -> Principal | None:
    """The signed-in person of this request (bearer token or session cookie), looked up once per request."""
    if hasattr(request.state, "principal"):
        found: Principal | None = request.state.principal
        return found
    principal: Principal | None = None
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            principal = await run_in_threadpool(auth.bearer_principal, token.strip()[:8000])
    else:
        sid = request.cookies.get(SESSION_COOKIE)
        if sid and len(sid) <= 200:
            principal = await run_in_threadpool(auth.session_principal, sid)
    request.state.principal = principal
    return principal


async def backoffice_person(request: Request, auth: WebAuth, pages: Pages) -> Principal | Response:
    """The signed-in manager or coordinator of a back-office request, or the response to send instead:
    the sign-in page (not signed in, or idle past the back-office limit) or a Dutch refusal (employees)."""
    principal = await resolve_principal(request, auth)
    target = "/login?" + urlencode({"next": request.url.path})
    if principal is None:
        return RedirectResponse(target, status_code=303)
    if not may(auth.org, principal.employee, Permission.BACKOFFICE):
        return pages.message(request, "backoffice_refused_title", "backoffice_refused_text", 403)
    if principal.channel == "web" and await run_in_threadpool(auth.end_backoffice_idle, principal):
        response = RedirectResponse(target, status_code=303)
        clear_session_cookie(response, auth)
        return response
    return principal


def signin_router(auth: WebAuth, pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/login")
    async def login_page(request: Request, next: str | None = None) -> Response:  # noqa: A002
        return pages.render(request, "login.html", oidc=auth.oidc is not None, next_path=safe_next(next),
                            notice=None)

    @router.get("/login/oidc")
    async def login_oidc(request: Request, next: str | None = None) -> Response:  # noqa: A002
        if auth.oidc is None:
            return pages.message(request, "oidc_off_title", "oidc_off_text", 404)
        binding = secrets.token_urlsafe(32)
        try:
            url = await run_in_threadpool(auth.start_oidc, binding, safe_next(next))
        except ProviderUnavailable as exc:
            logger.warning("sign-in provider unavailable: %s", exc)
            return pages.message(request, "provider_down_title", "provider_down_text", 503)
        response = RedirectResponse(url, status_code=302)
        response.set_cookie(LOGIN_COOKIE, binding, httponly=True, samesite="lax", secure=auth.secure_cookies,
                            path="/auth", max_age=int(PENDING_VALID.total_seconds()))
        response.headers["Cache-Control"] = "no-store"
        return response

    @router.get("/login/{token}")
    async def login_link(request: Request, token: str) -> Response:
        address = client_address(request)
        if await run_in_threadpool(auth.rate_limited, address):
            return pages.message(request, "too_many_title", "too_many_text", 429)
        outcome, sid = await run_in_threadpool(auth.redeem, token[:200], address)
        if sid is None:
            logger.info("sign-in link refused: %s", outcome.value)
            title, text, status = _LINK_PAGES[outcome]
            return pages.message(request, title, text, status)
        response = RedirectResponse("/", status_code=303)
        set_session_cookie(response, sid, auth)
        response.headers["Cache-Control"] = "no-store"
        return response

    @router.get("/auth/callback")
    async def callback(request: Request, code: str | None = None, state: str | None = None,
                       error: str | None = None) -> Response:
        address = client_address(request)
        if auth.oidc is None:
            return pages.message(request, "oidc_off_title", "oidc_off_text", 404)
        if await run_in_threadpool(auth.rate_limited, address):
            return pages.message(request, "too_many_title", "too_many_text", 429)
        binding = request.cookies.get(LOGIN_COOKIE, "")
        if error is not None or not code or not state or not binding:
            logger.info("sign-in callback without a usable answer (provider error: %s)", bool(error))
            await run_in_threadpool(auth.record_failure, address, "oidc_callback")
            return pages.message(request, "provider_error_title", "provider_error_text", 400,
                                 action_url="/login")
        try:
            employee, sid, next_path = await run_in_threadpool(auth.finish_oidc, code[:2000], state[:500],
                                                               binding[:200])
        except ProviderUnavailable as exc:
            logger.warning("sign-in provider unavailable: %s", exc)
            return pages.message(request, "provider_down_title", "provider_down_text", 503)
        except SignInFailed as exc:
            logger.info("sign-in refused: %s", exc)
            await run_in_threadpool(auth.record_failure, address, "oidc_refused")
            return pages.message(request, "provider_error_title", "provider_error_text", 400,
                                 action_url="/login")
        if employee is None or sid is None:
            logger.info("sign-in refused: the person is not in the organisation file")
            response = pages.message(request, "not_in_org_title", "not_in_org_text", 403, action_url=None)
        else:
            response = RedirectResponse(next_path, status_code=303)
            set_session_cookie(response, sid, auth)
        response.delete_cookie(LOGIN_COOKIE, path="/auth", httponly=True, samesite="lax",
                               secure=auth.secure_cookies)
        return response

    @router.post("/logout")
    async def logout(request: Request, everywhere: bool = False) -> Response:
        principal: Principal | None = await resolve_principal(request, auth)
        if principal is not None and principal.session_id is not None:
            await run_in_threadpool(lambda: auth.sign_out(principal, everywhere=everywhere))
        text = "signed_out_everywhere_text" if everywhere else "signed_out_text"
        response = pages.message(request, "signed_out_title", text, 200, action_url="/login",
                                 action_label=pages.t["login_title"])
        clear_session_cookie(response, auth)
        return response

    return router
