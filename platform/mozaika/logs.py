"""Log lines as JSON objects, each carrying the request id of the change it belongs to: the API
binds it per request, events keep it (`Event.request_id`), and the worker binds it again while
it handles the messages that follow, so one change's lines can be found in every process."""

from __future__ import annotations

import contextvars
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import dramatiq
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware

REQUEST_ID_OPTION = "request_id"
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def request_id_bound(request_id: str) -> Iterator[None]:
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if request_id := current_request_id():
            line["request_id"] = request_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class RequestIdMiddleware(Middleware):
    """Carries the request id on every message sent while one is bound (an event's consumers
    get the event's own, see `publish_event`) and binds it while the message is handled."""

    @property
    def actor_options(self) -> set[str]:
        return {REQUEST_ID_OPTION}

    def before_enqueue(self, broker: dramatiq.Broker, message: dramatiq.Message[Any], delay: int) -> None:
        if request_id := current_request_id():
            message.options.setdefault(REQUEST_ID_OPTION, request_id)

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        _request_id.set(str(message.options.get(REQUEST_ID_OPTION, "")))

    def after_process_message(self, broker: dramatiq.Broker, message: MessageProxy, **kwargs: Any) -> None:
        _request_id.set("")

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        _request_id.set("")
