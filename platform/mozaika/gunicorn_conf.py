"""gunicorn's configuration for `make run` and containers (`-c python:mozaika.gunicorn_conf`).

gunicorn answers some requests itself, before Mozaika sees them: a request line over its limit
(414), too many or too large headers (431), a malformed request (400). Its answers are HTML; the
hook below makes them problem documents like every other answer. The access log drops
credentials (`mozaika.access_log`)."""

from __future__ import annotations

import json
import os
from typing import Any

from gunicorn import util

from mozaika.access_log import JSON_ACCESS_LOG_FORMAT

logger_class = "mozaika.access_log.RedactingLogger"
accesslog = "-"
if os.environ.get("LOG_FORMAT", "json") == "json":
    access_log_format = JSON_ACCESS_LOG_FORMAT
graceful_timeout = 5

_CODES = {400: "bad_request", 403: "permission_denied", 414: "uri_too_long", 417: "bad_request",
          431: "headers_too_large", 500: "internal_error", 501: "bad_request"}  # fmt: skip


def problem_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's `util.write_error`, answering with a problem document (the message, which may
    quote the request, is not echoed)."""
    body = json.dumps({
        "type": f"urn:mozaika:problem:{_CODES.get(status_int, 'bad_request')}",
        "title": reason,
        "status": status_int,
        "code": _CODES.get(status_int, "bad_request"),
        "detail": f"{reason}: the server refused the request before reading it.",
        "errors": [],
    })  # fmt: skip
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
    util.write_nonblock(sock, (head + body).encode("latin1"))


def on_starting(server: Any) -> None:
    util.write_error = problem_error  # workers are forked from here, and look it up on each error
