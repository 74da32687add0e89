"""The HTTP API, `/api/v1`: one NinjaAPI, one router per domain package, one error format."""

from __future__ import annotations

import inspect
from http import HTTPStatus

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from mozaika.errors import (
    ErrorCode,
    FieldError,
    MozaikaError,
    mozaika_error_response,
    path_from_location,
    problem_response,
)
from mozaika.exports import EXPORTING_VIEWS
from mozaika.identity.auth import BearerTokenAuth
from mozaika.site.openapi import MozaikaApi
from mozaika.site.parser import NulRefusingParser


def build_api() -> MozaikaApi:
    from aggregation.calls.api import router as calls_router
    from aggregation.quality.api import router as quality_router
    from aggregation.views.api import router as aggregation_router
    from mozaika.archive_api import router as archive_router
    from mozaika.audit.api import router as audit_router
    from mozaika.events.api import router as events_router
    from mozaika.identity.api import router as identity_router
    from mozaika.webhooks.api import router as webhooks_router
    from tenants.plans.api.acts import router as acts_router
    from tenants.plans.api.documents import router as documents_router
    from tenants.plans.api.plans import router as plans_router
    from tenants.plans.api.reporting import router as reporting_router
    from tenants.plans.api.review import router as review_router
    from tenants.registry.api import router as registry_router
    from tenants.tenancy.api import router as tenancy_router

    api = MozaikaApi(
        title="Mozaika API",
        version="1",
        description="Local plans for social services and deinstitutionalisation, for gminas, "
        "marshal's offices and funding application systems.",
        urls_namespace="api-v1",
        auth=BearerTokenAuth(),
        # Swagger UI would otherwise show a badge loaded from its public validator, which the
        # Content-Security-Policy refuses (and which would tell it the document's address).
        docs=Swagger(settings={"validatorUrl": "none"}),
        parser=NulRefusingParser(),
    )
    api.add_router("/", registry_router)
    api.add_router("/", tenancy_router)
    api.add_router("/", plans_router)
    api.add_router("/", documents_router)
    api.add_router("/", review_router)
    api.add_router("/", reporting_router)
    api.add_router("/", acts_router)
    api.add_router("/", aggregation_router)
    api.add_router("/", calls_router)
    api.add_router("/", quality_router)
    api.add_router("/", archive_router)
    api.add_router("/", identity_router)
    api.add_router("/", audit_router)
    api.add_router("/", events_router)
    api.add_router("/", webhooks_router)

    EXPORTING_VIEWS.update(
        operation.view_func.__name__
        for _, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
        if "export" in inspect.signature(operation.view_func).parameters
    )

    @api.exception_handler(MozaikaError)
    def on_mozaika_error(request: HttpRequest, exc: MozaikaError) -> HttpResponse:
        return mozaika_error_response(request, exc)

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [FieldError(path_from_location(e.get("loc", ())), str(e.get("msg", ""))) for e in exc.errors]
        return problem_response(
            status=HTTPStatus.UNPROCESSABLE_ENTITY,
            code=ErrorCode.VALIDATION_FAILED,
            detail="The request is not valid.",
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            status=HTTPStatus.UNAUTHORIZED,
            code=ErrorCode.NOT_AUTHENTICATED,
            detail="A valid bearer token is required (Authorization: Bearer <token>).",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja wraps whatever its parser raises for a body in a 400; a refused field is a 422.
        if isinstance(exc.__cause__, ValidationError):
            return on_validation_error(request, exc.__cause__)
        status = HTTPStatus(exc.status_code)
        code = {
            HTTPStatus.FORBIDDEN: ErrorCode.PERMISSION_DENIED,
            HTTPStatus.NOT_FOUND: ErrorCode.NOT_FOUND,
        }.get(status, ErrorCode.VALIDATION_FAILED)
        return problem_response(status=status, code=code, detail=str(exc))

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(status=HTTPStatus.NOT_FOUND, code=ErrorCode.NOT_FOUND, detail="Not found.")

    return api


api = build_api()
