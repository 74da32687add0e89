"""The OpenAPI document integrators build on: every operation under a name chosen for them
(`operationId`, never derived from the code's layout) and every error it can answer, in the
problem format (RFC 9457), with the security and API client scopes it takes."""

from __future__ import annotations

import copy
from http import HTTPStatus
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from mozaika.errors import PROBLEM_CONTENT_TYPE, ErrorCode
from mozaika.exports import EXPORTING_VIEWS, XLSX_CONTENT_TYPE
from mozaika.identity.models import Scope
from mozaika.pagination import MAX_PAGE

PROBLEM_REF = "#/components/schemas/Problem"
_UNSAFE = {"post", "put", "patch", "delete"}

# The operations an API client (a funding application system) may call, and the scope each needs;
# people's roles are in the authorisation matrix (README). The rule itself is `identity.authz`.
CLIENT_SCOPES: dict[str, Scope] = {
    "getEligibility": Scope.ELIGIBILITY_READ,
    "getEligibilityBatch": Scope.ELIGIBILITY_READ,
    "getRegionRollup": Scope.ROLLUPS_READ,
    "getNationalRollup": Scope.ROLLUPS_READ,
    "listRegionGminas": Scope.ROLLUPS_READ,
    "listNationalGminas": Scope.ROLLUPS_READ,
    "listRegionWhiteSpots": Scope.ROLLUPS_READ,
    "listNationalWhiteSpots": Scope.ROLLUPS_READ,
    "getRegionTimeSeries": Scope.ROLLUPS_READ,
    "getNationalTimeSeries": Scope.ROLLUPS_READ,
    "compareVoivodeships": Scope.ROLLUPS_READ,
    "listCallResults": Scope.ROLLUPS_READ,
    "getRegionDataQuality": Scope.ROLLUPS_READ,
    "listQualityRules": Scope.ROLLUPS_READ,
    "getRegionReport": Scope.ROLLUPS_READ,
    "listEvents": Scope.EVENTS_READ,
    "createWebhook": Scope.EVENTS_READ,
    "listWebhooks": Scope.EVENTS_READ,
    "getWebhook": Scope.EVENTS_READ,
    "deleteWebhook": Scope.EVENTS_READ,
    "rotateWebhookSecret": Scope.EVENTS_READ,
    "pingWebhook": Scope.EVENTS_READ,
    "listWebhookDeliveries": Scope.EVENTS_READ,
    "replayWebhookDelivery": Scope.EVENTS_READ,
}

_WHY = {
    HTTPStatus.BAD_REQUEST: "The request cannot be read (a malformed body, a refused host).",
    HTTPStatus.UNAUTHORIZED: "No valid bearer token or client secret (`WWW-Authenticate: Bearer`).",
    HTTPStatus.FORBIDDEN: "Authenticated, but this role or client may not do this here; `detail` says who may.",
    HTTPStatus.NOT_FOUND: "No such gmina, plan, version, document, call, rule or link.",
    HTTPStatus.CONFLICT: (
        "The state does not allow it (a plan changed since it was read, an act out of order, a code already taken)."
    ),
    HTTPStatus.GONE: "The gmina was deprovisioned, or the download link expired.",
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: "The body is over its limit.",
    HTTPStatus.REQUEST_URI_TOO_LONG: "The URL is over 4 094 bytes.",
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: "The body is not of a type this operation takes.",
    HTTPStatus.UNPROCESSABLE_ENTITY: "A parameter or field is not valid; `errors` lists each by its path.",
    HTTPStatus.PRECONDITION_REQUIRED: "`If-Match` with the plan's ETag is missing.",
    HTTPStatus.TOO_MANY_REQUESTS: "Over the rate limit for this credential; retry after `Retry-After` seconds.",
    HTTPStatus.INTERNAL_SERVER_ERROR: "A fault on Mozaika's side; `detail` has the request id to quote.",
    HTTPStatus.SERVICE_UNAVAILABLE: "A part the request needs does not answer; nothing was changed, retry later.",
}

_EXAMPLE_ERRORS = {
    HTTPStatus.UNPROCESSABLE_ENTITY: [{"path": "indicators[0].target_year", "message": "must not precede baseline"}],
    HTTPStatus.PRECONDITION_REQUIRED: [{"path": "If-Match", "message": 'required: the ETag you read, e.g. "3"'}],
}


def _problem_example(status: HTTPStatus) -> dict[str, Any]:
    return {
        "type": f"urn:mozaika:problem:{_EXAMPLE_CODES.get(status, ErrorCode.BAD_REQUEST).value}",
        "title": status.phrase,
        "status": int(status),
        "code": _EXAMPLE_CODES.get(status, ErrorCode.BAD_REQUEST).value,
        "detail": _WHY[status],
        "errors": _EXAMPLE_ERRORS.get(status, []),
    }


_EXAMPLE_CODES = {
    HTTPStatus.UNAUTHORIZED: ErrorCode.NOT_AUTHENTICATED,
    HTTPStatus.FORBIDDEN: ErrorCode.PERMISSION_DENIED,
    HTTPStatus.NOT_FOUND: ErrorCode.NOT_FOUND,
    HTTPStatus.CONFLICT: ErrorCode.CONFLICT,
    HTTPStatus.GONE: ErrorCode.GONE,
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: ErrorCode.PAYLOAD_TOO_LARGE,
    HTTPStatus.REQUEST_URI_TOO_LONG: ErrorCode.URI_TOO_LONG,
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    HTTPStatus.UNPROCESSABLE_ENTITY: ErrorCode.VALIDATION_FAILED,
    HTTPStatus.PRECONDITION_REQUIRED: ErrorCode.PRECONDITION_REQUIRED,
    HTTPStatus.TOO_MANY_REQUESTS: ErrorCode.RATE_LIMITED,
    HTTPStatus.INTERNAL_SERVER_ERROR: ErrorCode.INTERNAL_ERROR,
    HTTPStatus.SERVICE_UNAVAILABLE: ErrorCode.SERVICE_UNAVAILABLE,
}

PROBLEM_SCHEMAS: dict[str, Any] = {
    "ErrorCode": {
        "type": "string",
        "enum": [code.value for code in ErrorCode],
        "description": "What went wrong, for programs; stable within the API's major version.",
    },
    "FieldError": {
        "type": "object",
        "required": ["path", "message"],
        "properties": {
            "path": {"type": "string", "description": "The field, e.g. `indicators[2].name`, or a header's name."},
            "message": {"type": "string"},
        },
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details, with Mozaika's `code` and field `errors`.",
        "required": ["type", "title", "status", "code", "detail", "errors"],
        "properties": {
            "type": {"type": "string", "description": "`urn:mozaika:problem:<code>`"},
            "title": {"type": "string", "description": "The status's phrase."},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "code": {"$ref": "#/components/schemas/ErrorCode"},
            "detail": {"type": "string", "description": "For people: what happened and what to do."},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        },
    },
}


def error_statuses(path: str, method: str, operation: dict[str, Any]) -> list[HTTPStatus]:
    """What an operation can answer besides success, from what it takes: every error here comes
    from one of these (the gate, a path's object, a body, a version, a gmina's tenancy)."""
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    statuses = {HTTPStatus.BAD_REQUEST, HTTPStatus.INTERNAL_SERVER_ERROR, HTTPStatus.SERVICE_UNAVAILABLE}
    statuses.add(HTTPStatus.REQUEST_URI_TOO_LONG)
    if operation.get("security"):
        statuses |= {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN, HTTPStatus.TOO_MANY_REQUESTS}
    if operation["operationId"] == "signIn":
        statuses |= {HTTPStatus.UNAUTHORIZED, HTTPStatus.TOO_MANY_REQUESTS}
    if parameters or has_body:
        statuses.add(HTTPStatus.UNPROCESSABLE_ENTITY)
    if any(p["in"] == "path" for p in parameters):
        statuses.add(HTTPStatus.NOT_FOUND)
    if "{teryt}" in path or "{token}" in path:
        statuses.add(HTTPStatus.GONE)
    if method in _UNSAFE:
        statuses.add(HTTPStatus.CONFLICT)
    if has_body:
        statuses |= {HTTPStatus.REQUEST_ENTITY_TOO_LARGE, HTTPStatus.UNSUPPORTED_MEDIA_TYPE}
    if any(p["in"] == "header" and p["name"] == "If-Match" for p in parameters):
        statuses |= {HTTPStatus.CONFLICT, HTTPStatus.PRECONDITION_REQUIRED}
    return sorted(statuses)


def _error_response(status: HTTPStatus) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _WHY[status],
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": PROBLEM_REF}, "example": _problem_example(status)}},
    }
    if status in (HTTPStatus.TOO_MANY_REQUESTS, HTTPStatus.SERVICE_UNAVAILABLE):
        response["headers"] = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
    if status == HTTPStatus.UNAUTHORIZED:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string", "const": "Bearer"}}}
    return response


_EXPORTS = {
    "text/csv": {"schema": {"type": "string"}, "description": "`format=csv`: UTF-8 with a BOM, `;`-separated"},
    XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}, "description": "`format=xlsx`"},
}


_PLAN_EXAMPLE = {
    "title": "Lokalny Plan Rozwoju Usług Społecznych i Deinstytucjonalizacji Gminy Trzebiel 2025-2027",
    "period_start": 2025,
    "period_end": 2027,
    "areas": ["seniors"],
    "indicators": [{"area": "seniors", "number": "1", "name": "Liczba osób objętych usługami opiekuńczymi",
                    "unit": "osoby", "standard_code": "CARE.HOME.PERSONS"}],
}  # fmt: skip
# Examples of the main operations' inputs and answers (shown by Swagger UI, used by generators).
_EXAMPLES: dict[str, dict[str, Any]] = {
    "createPlan": {"request": _PLAN_EXAMPLE},
    "getEligibilityBatch": {
        "request": {"call": "FEPZ.06.19", "on": "2026-03-02", "items": [{"teryt": "0811082", "area": "seniors"}]}
    },
    "getEligibility": {
        "answer": {
            "teryt": "3261011",
            "name": "Koszalin",
            "call": "FEPZ.06.19",
            "on": "2026-03-02",
            "as_known_at": "2026-03-02T09:00:00+01:00",
            "area": "seniors",
            "eligible": False,
            "decision": "not_eligible",
            "points": 0,
            "max_points": 5,
            "criteria": [
                {
                    "code": "D1",
                    "name": "Gmina ma obowiązujący lokalny plan rozwoju usług społecznych",
                    "type": "access",
                    "rule": "plan_in_force",
                    "passed": False,
                    "points": 0,
                    "reason_pl": "Gmina nie ma przyjętego planu.",
                    "reason_en": "The gmina has no adopted plan.",
                }
            ],
            "evidence": None,
            "document_link": None,
            "data_as_of": "2026-03-02T08:59:58+01:00",
        }
    },
}


def _with_examples(operation: dict[str, Any]) -> None:
    examples = _EXAMPLES.get(operation["operationId"], {})
    if "request" in examples and "requestBody" in operation:
        operation["requestBody"]["content"]["application/json"]["example"] = examples["request"]
    if "answer" in examples:
        operation["responses"][200]["content"]["application/json"]["example"] = examples["answer"]


def documented(schema: dict[str, Any], exporting: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
    """Ninja's document, with the errors, scopes, export formats and limits it cannot know.
    `exporting`: the operation ids that answer CSV or XLSX too (`format=`)."""
    result = copy.deepcopy(dict(schema))
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).update(PROBLEM_SCHEMAS)
    shared = components.setdefault("responses", {})
    schemes = components.get("securitySchemes", {})
    if "BearerTokenAuth" in schemes:
        schemes["BearerTokenAuth"]["description"] = (
            "A person's API token (`mzk_…`, from `POST /auth/token`) or an API client's secret (`mzc_…`). "
            "API clients need the scope named in an operation's `security`: "
            + ", ".join(f"`{scope.value}`" for scope in Scope)
            + "; they see only their voivodeships."
        )
    for path, methods in result["paths"].items():
        for method, operation in methods.items():
            scope = CLIENT_SCOPES.get(operation["operationId"])
            if scope is not None:
                operation["security"] = [{"BearerTokenAuth": [scope.value]}]
            _with_examples(operation)
            if operation["operationId"] in exporting:
                content = operation["responses"][200].get("content", {})
                if "application/json" in content:  # an alternative to JSON (the report answers HTML or PDF)
                    content.update(copy.deepcopy(_EXPORTS))
            for status in error_statuses(path, method, operation):
                name = status.phrase.replace(" ", "").replace("-", "")
                shared.setdefault(name, _error_response(status))
                operation["responses"].setdefault(int(status), {"$ref": f"#/components/responses/{name}"})
    # Nothing here depends on settings: the document is the same wherever it is generated.
    result["info"]["description"] += _LIMITS.format(max_page=f"{MAX_PAGE:_}".replace("_", " "))
    return result


_LIMITS = """

**Errors.** Every error is a problem document (`application/problem+json`, RFC 9457) with a stable
`code` and, for invalid input, `errors` naming each field by its path. Each operation lists the
statuses it can answer.

**Limits.** By default 600 requests a minute per credential (the operator sets
`API_RATE_LIMIT_PER_MINUTE`), then 429 with `Retry-After`. The registry and audit lists are paged
with `page` (1 to {max_page}) and `page_size` (each list states its maximum), answering `count`
and `items`; a page beyond the last is empty, a page out of range a 422. The event feed is read
with a cursor (`after` = the previous page's `next_cursor`). JSON bodies up to 2 MiB; documents
up to 50 MiB by default (`MAX_DOCUMENT_BYTES`).

**Versions.** Operation ids and fields are stable within major version 1; breaking changes come
with a new major version.
"""


class MozaikaApi(NinjaAPI):
    """NinjaAPI whose operation ids are chosen, never derived, and whose document lists errors."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        view = operation.view_func
        raise ImproperlyConfigured(
            f"{view.__module__}.{view.__name__}: name its operation_id for integrators "
            "(a camelCase verb and noun, e.g. listPlans); it is part of the API's contract."
        )

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        exporting = {
            operation.operation_id
            for _, router in self._routers
            for path_view in router.path_operations.values()
            for operation in path_view.operations
            if operation.view_func.__name__ in EXPORTING_VIEWS and operation.operation_id
        }
        schema.update(documented(schema, exporting))
        return schema
