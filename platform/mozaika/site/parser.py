"""The API's request parser: ninja's, refusing NUL characters. PostgreSQL stores no NUL in text,
so a string carrying one would fail at the database as a 500 after the request was accepted;
here it is a 422 naming the field, before any view runs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

NUL = "\x00"
_MESSAGE = "must not contain NUL (\\u0000) characters"


def _nul_location(value: Any, location: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """Where the first string (a key or a value) holding NUL is, or None."""
    if isinstance(value, str):
        return location if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if NUL in str(key):
                return location
            if (found := _nul_location(item, (*location, key))) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _nul_location(item, (*location, index))) is not None:
                return found
    return None


def _refuse_nul(data: Any, transport: str) -> None:
    found = _nul_location(data, (transport,))
    if found is not None:
        raise ValidationError([{"loc": found, "msg": _MESSAGE, "type": "string_nul"}])


class NulRefusingParser(Parser):
    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = super().parse_body(request)
        _refuse_nul(data, "body")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> DictStrAny:
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_nul(parsed, "query")
        return parsed
