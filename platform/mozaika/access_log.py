"""gunicorn's access log without credentials: a signed download link's token sits in its path
(`/api/v1/archive/links/<token>`), a presigned or token-bearing URL in its query string. The
log keeps the request's shape and drops those values; request headers (Authorization, Cookie)
are never offered to the log format at all."""

from __future__ import annotations

import json
import re
from typing import Any

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
_LINK_TOKEN = re.compile(r"(/archive/links/)[^/?\s]+")
_SECRET_PARAMETER = re.compile(
    r"(?i)((?:^|[?&])(?:token|access_token|secret|password|signature|x-amz-signature|x-amz-credential"
    r"|x-amz-security-token)=)[^&\s]*"
)


def redacted(text: str) -> str:
    """`text` (a path, a query string or a request line) with credentials replaced."""
    return _SECRET_PARAMETER.sub(rf"\1{REDACTED}", _LINK_TOKEN.sub(rf"\1{REDACTED}", text))


# `LOG_FORMAT=json` (the default): each access a JSON object like the application's lines, with
# the request id Mozaika answered with.
JSON_ACCESS_LOG_FORMAT = (
    '{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", "remote": "%(h)s", "request": "%(r)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
    '"user_agent": "%(a)s"}'
)


def _json_safe(value: Any) -> Any:
    """A value as it may stand between JSON quotes (a path may hold `\\` or control characters);
    the quotes themselves gunicorn escapes as it formats the line (`SafeAtoms`)."""
    if not isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)[1:-1].replace('\\"', '"')


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "{raw_uri}e", "{path_info}e", "{query_string}e", "{request_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redacted(atoms[key])
        # Request headers carry bearer tokens and cookies: no format may print them.
        kept = {k: v for k, v in atoms.items() if not (k.startswith("{") and k.endswith("}i"))} | {
            "{user-agent}i": atoms.get("a", "-"),
            "{referer}i": redacted(str(atoms.get("f", "-"))),
            "f": redacted(str(atoms.get("f", "-"))),
        }
        return {k: _json_safe(v) for k, v in kept.items()}
