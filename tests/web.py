"""Browser-like HTTP clients for end-to-end tests: signed in with a one-time link, same-origin headers."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from bot.web.auth import SESSION_COOKIE


def link_path(app: FastAPI, employee_id: str) -> str:
    """The path of a fresh one-time sign-in link for `employee_id`."""
    url: str = app.state.auth.invite(employee_id, actor="test")
    return "/login/" + url.rsplit("/login/", 1)[1]


def signed_in(app: FastAPI, base_url: str, employee_id: str) -> httpx.Client:
    """A client that signed in as `employee_id` and sends the Origin a browser sends."""
    with httpx.Client(base_url=base_url, timeout=10) as first:
        res = first.get(link_path(app, employee_id))
    if res.status_code != 303 or SESSION_COOKIE not in res.cookies:
        raise AssertionError(f"sign-in link failed: {res.status_code}")
    return httpx.Client(base_url=base_url, timeout=10, headers={"Origin": base_url},
                        cookies={SESSION_COOKIE: res.cookies[SESSION_COOKIE]})
