"""Access-log hygiene: sign-in tokens, codes and query strings never reach a log line."""

from __future__ import annotations

import logging
import re

_LOGIN_TOKEN = re.compile(r"^/login/(?!oidc\b)[^/?]+")


def redact_path(path: str) -> str:
    """The path without its query string, with a sign-in link's token replaced."""
    path = path.split("?", 1)[0]
    return _LOGIN_TOKEN.sub("/login/[verborgen]", path)


class RedactAccessLog(logging.Filter):
    """uvicorn's access records carry (client, method, path, http version, status) as arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_path(args[2]), *args[3:])
        return True


def install_access_log_filter() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactAccessLog) for f in logger.filters):
        logger.addFilter(RedactAccessLog())
