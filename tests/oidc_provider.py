"""A real OpenID provider (oidc-provider on Node.js, in tests/node) for sign-in tests, and helpers to sign in."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from tests.servers import free_port

OIDC_DIR = Path(__file__).parent / "node"
IN_CI = os.environ.get("CI", "").lower() == "true"
START_TIMEOUT = 20.0
MAX_STEPS = 20
# The provider's sign-in session; cookies ignore ports, so the relying party on 127.0.0.1 holds them too.
PROVIDER_SESSION_COOKIES = frozenset({"_session", "_session.sig", "_session.legacy", "_session.legacy.sig"})


@dataclass(frozen=True)
class Provider:
    issuer: str
    port: int
    audience: str

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def provider_available() -> bool:
    return shutil.which("node") is not None and (OIDC_DIR / "node_modules" / "oidc-provider" / "package.json").is_file()


def require_provider() -> None:
    """Skip locally when the provider is not installed; in CI a missing provider is a failure."""
    if provider_available():
        return
    hint = "needs Node.js and `npm ci --prefix tests/node`"
    if IN_CI:
        pytest.fail(f"the OpenID provider is required in CI: {hint}")
    pytest.skip(f"no local OpenID provider ({hint})")


def _pump(stream: TextIO, lines: queue.Queue[str | None], *, echo: bool = False) -> None:
    """Move a child's output lines into a queue (None at the end), copying them to stderr if asked."""
    for line in stream:
        lines.put(line)
        if echo:
            with suppress(ValueError):  # stderr closed meanwhile (end of the session)
                sys.stderr.write(line)
    lines.put(None)


def _drain(lines: queue.Queue[str | None]) -> str:
    """What a pump has collected, waiting briefly for the end of the stream."""
    collected = []
    with suppress(queue.Empty):
        while (line := lines.get(timeout=5)) is not None:
            collected.append(line)
    return "".join(collected)


@contextmanager
def running_provider(clients: list[dict[str, Any]], accounts: dict[str, dict[str, Any]], *,
                     audience: str = "meldbot") -> Iterator[Provider]:
    """Start the provider on a free port with these clients and accounts; stop it afterwards."""
    require_provider()
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_CLIENTS": json.dumps(clients),
           "OIDC_ACCOUNTS": json.dumps(accounts), "OIDC_API_AUDIENCE": audience}
    # stdin stays open as a lifeline: the provider exits when it closes, even if this process is killed.
    proc = subprocess.Popen(["node", str(OIDC_DIR / "provider.mjs")], cwd=OIDC_DIR, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out: queue.Queue[str | None] = queue.Queue()
    err: queue.Queue[str | None] = queue.Queue()
    pumps = [threading.Thread(target=_pump, args=(proc.stdout, out), daemon=True),
             threading.Thread(target=_pump, args=(proc.stderr, err), kwargs={"echo": True}, daemon=True)]
    for pump in pumps:
        pump.start()
    try:
        try:
            ready = out.get(timeout=START_TIMEOUT)
        except queue.Empty:
            ready = None
        if ready is None or ready.strip() != f"READY {issuer}":
            proc.kill()
            proc.wait(timeout=10)
            raise RuntimeError(f"the OpenID provider did not start (exit code {proc.returncode}):\n{_drain(err)}")
        yield Provider(issuer=issuer, port=port, audience=audience)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for pump in pumps:
            pump.join(timeout=10)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


class _FormParser(HTMLParser):
    """Collects the forms of a page: their action and their named inputs with the values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "inputs": {}})
        elif tag in ("input", "button") and self.forms and a.get("name"):
            self.forms[-1]["inputs"][a["name"]] = a.get("value", "")


def _forms(html: str) -> list[dict[str, Any]]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def _origin(url: str | httpx.URL) -> str:
    parts = urlsplit(str(url))
    return f"{parts.scheme}://{parts.netloc}"


def _through_provider(client: httpx.Client, response: httpx.Response, login: str) -> httpx.Response:
    """From a page or redirect of the provider, sign in as `login` (any password) and consent, until the
    provider redirects elsewhere; returns that redirect, not followed."""
    provider = _origin(response.url)
    for _ in range(MAX_STEPS):
        if response.is_redirect:
            target = urljoin(str(response.url), response.headers["location"])
            if _origin(target) != provider:
                return response
            response = client.get(target, follow_redirects=False)
            continue
        forms = [f for f in _forms(response.text) if f["inputs"].get("prompt") in ("login", "consent")]
        if response.status_code != 200 or not forms:
            raise AssertionError(f"unexpected page from the OpenID provider at {response.url} "
                                 f"({response.status_code}):\n{response.text[:2000]}")
        data = dict(forms[0]["inputs"])
        if data["prompt"] == "login":
            data.update(login=login, password="any password")
        response = client.post(urljoin(str(response.url), forms[0]["action"]), data=data, follow_redirects=False)
    raise AssertionError(f"no way out of the OpenID provider after {MAX_STEPS} steps (last: {response.url})")


def login_with_httpx(client: httpx.Client, start_url: str, login: str) -> httpx.Response:
    """Sign in at a relying party as `login`: GET `start_url` (which redirects to the provider), sign in there, and
    return the relying party's response to the provider's redirect back (its callback), not followed further.

    Redirects are followed by hand, whatever `client.follow_redirects` says; the client keeps the cookies. An
    earlier sign-in at the provider is forgotten first, so that `login` is always the one who signs in.
    """
    for cookie in list(client.cookies.jar):
        if cookie.name in PROVIDER_SESSION_COOKIES:
            client.cookies.jar.clear(cookie.domain, cookie.path, cookie.name)
    response = client.get(start_url, follow_redirects=False)
    relying_party = _origin(response.url)
    while response.is_redirect:  # the relying party may redirect within itself first
        target = urljoin(str(response.url), response.headers["location"])
        response = client.get(target, follow_redirects=False)
        if _origin(target) != relying_party:
            break
    else:
        raise AssertionError(f"{start_url} did not lead to the OpenID provider ({response.status_code})")
    back = _through_provider(client, response, login)
    return client.get(urljoin(str(back.url), back.headers["location"]), follow_redirects=False)


def obtain_tokens(provider: Provider, client_id: str, client_secret: str, redirect_uri: str, login: str, *,
                  scope: str = "openid email profile", prompt: str | None = None) -> dict[str, Any]:
    """A whole authorization-code flow with PKCE (S256) as `login`, without a relying party: the token response.

    The tokens are exchanged with client_secret_basic; `prompt="consent"` makes the provider ask for consent.
    """
    verifier = generate_token(48)
    state = generate_token(20)
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        config = client.get(provider.discovery_url).raise_for_status().json()
        params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
                  "state": state, "code_challenge": create_s256_code_challenge(verifier),
                  "code_challenge_method": "S256"}
        if prompt is not None:
            params["prompt"] = prompt
        response = client.get(f"{config['authorization_endpoint']}?{urlencode(params)}")
        back = _through_provider(client, response, login)
        location = back.headers["location"]
        if not location.startswith(redirect_uri):
            raise AssertionError(f"the provider redirected to {location}, not to {redirect_uri}")
        answer = parse_qs(urlsplit(location).query)
        if "code" not in answer:
            raise AssertionError(f"no authorization code in the redirect: {location}")
        if answer.get("state") != [state]:
            raise AssertionError(f"the state came back altered: {location}")
        # client_secret_basic: id and secret are form-encoded before they are joined (RFC 6749, 2.3.1).
        tokens = client.post(config["token_endpoint"],
                             data={"grant_type": "authorization_code", "code": answer["code"][0],
                                   "redirect_uri": redirect_uri, "code_verifier": verifier},
                             auth=(quote(client_id, safe=""), quote(client_secret, safe="")))
        if tokens.status_code != 200:
            raise AssertionError(f"token request failed ({tokens.status_code}): {tokens.text}")
        result: dict[str, Any] = tokens.json()
        return result
