"""The API's access log (gunicorn, as `make run` starts it) carries no credential: not a signed
link's token in the path, not a signature or token in the query string, no request header."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import SafeAtoms

from mozaika.access_log import REDACTED, RedactingLogger

TOKEN = "eyJrIjoiMDgxMTA4Mi9hYmMiLCJuIjoidWNod2FsYS5wZGYifQ:1tXyZ:sig-value-123"


def logged(path: str, query: str = "", **headers: str) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s" "%(a)s" %(U)s %(q)s %({authorization}i)s')
    logger = RedactingLogger(config)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path + (f"?{query}" if query else ""), "PATH_INFO": path,
               "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": f"http://127.0.0.1:8000{path}?{query}"}  # fmt: skip
    request = SimpleNamespace(headers=[(k.upper(), v) for k, v in headers.items()])
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    return str(logger.cfg.access_log_format % SafeAtoms(atoms))  # how gunicorn formats its access log


def test_a_signed_links_token_is_not_logged() -> None:
    line = logged(f"/api/v1/archive/links/{TOKEN}")

    assert TOKEN not in line
    assert "sig-value-123" not in line
    assert f"/api/v1/archive/links/{REDACTED}" in line


def test_secrets_in_the_query_string_and_headers_are_not_logged() -> None:
    query = "area=seniors&X-Amz-Signature=abcdef0123&token=mzk_secretvalue&on=2025-03-01"
    line = logged("/api/v1/eligibility/0811082", query, authorization="Bearer mzk_p_bearer-secret")

    for secret in ("abcdef0123", "mzk_secretvalue", "mzk_p_bearer-secret"):
        assert secret not in line
    assert "area=seniors" in line
    assert "on=2025-03-01" in line


def test_make_run_starts_gunicorn_with_the_redacting_logger() -> None:
    from pathlib import Path

    from mozaika import gunicorn_conf
    from mozaika.site.management.commands import serve as serve_command

    serve = Path(serve_command.__file__)
    assert "python:mozaika.gunicorn_conf" in serve.read_text()
    assert gunicorn_conf.logger_class == "mozaika.access_log.RedactingLogger"


def test_the_json_access_log_is_one_json_object_a_line_without_credentials() -> None:
    import json

    from mozaika.access_log import JSON_ACCESS_LOG_FORMAT

    config = Config()
    config.set("access_log_format", JSON_ACCESS_LOG_FORMAT)
    logger = RedactingLogger(config)
    path = '/api/v1/gminas/0811082/plans/"quoted"\\back'
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"{path}?token=mzk_secretvalue", "PATH_INFO": path,
               "QUERY_STRING": "token=mzk_secretvalue", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1"}  # fmt: skip
    request = SimpleNamespace(headers=[("AUTHORIZATION", "Bearer mzk_p_bearer-secret")])
    response = SimpleNamespace(status="404 Not Found", headers=[("X-Request-Id", "abc123")], sent=10)
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))

    line = str(logger.cfg.access_log_format % SafeAtoms(atoms))
    entry = json.loads(line)

    assert entry["status"] == 404
    assert entry["request_id"] == "abc123"
    assert entry["request"].startswith(f"GET {path}?token={REDACTED}")
    assert "mzk_" not in line
