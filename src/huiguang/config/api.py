"""API v1: one NinjaAPI that mounts every app's router. OpenAPI at /api/v1/docs."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from huiguang.accounts.api import router as accounts_router
from huiguang.accounts.auth import API_AUTH
from huiguang.activities.api import router as activities_router
from huiguang.attendance.api import router as attendance_router
from huiguang.benefits.api import router as benefits_router
from huiguang.benefits.api.loans import router as benefits_loans_router
from huiguang.benefits.api.points import router as benefits_points_router
from huiguang.core.errors import FieldErrors, Refused
from huiguang.credit.api import router as credit_router
from huiguang.ledger.api import router as ledger_router
from huiguang.mobilization.api import router as mobilization_router
from huiguang.needs.api import router as needs_router
from huiguang.network.api import router as network_router
from huiguang.notifications.api import router as notifications_router
from huiguang.projects.api import router as projects_router
from huiguang.reports.api.assessments import router as reports_assessments_router
from huiguang.reports.api.bulletins import router as reports_router
from huiguang.reports.api.dashboards import router as reports_dashboards_router
from huiguang.training.api import router as training_router
from huiguang.volunteers.api import router as volunteers_router

# Answers any operation can give, whatever it declares itself: the handlers below produce them.
COMMON_ERRORS = {
    401: "No valid login or bearer token (also a revoked or expired token sent to a public operation).",
    404: "Not found, or outside what you may see.",
    422: "A field is not valid: `errors` names it.",
}
BODY_ERRORS = {400: "The body is not JSON.", 413: "The body is over the size limit."}


class HuiguangAPI(NinjaAPI):
    """The OpenAPI document promises every error the handlers of this module may answer, so that it
    is true for each operation (schemathesis checks it in tests/fuzz/)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                extra = {**COMMON_ERRORS, **(BODY_ERRORS if "requestBody" in operation else {})}
                declared = {int(code) for code in responses}
                for status, description in extra.items():
                    if status not in declared:
                        responses[status] = {"description": description, "content": error}
        return schema


api = HuiguangAPI(
    title="Huiguang API",
    version="1",
    description="Huiguang volunteer-service platform. Authenticate with a session (web) or "
    "`Authorization: Bearer <token>` (clients).",
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form")]
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        errors.setdefault(_field_name(err.get("loc", ())), []).append(str(err.get("msg", "")))
    return api.create_response(
        request, {"detail": _("Some fields are not valid."), "errors": errors}, status=422
    )


@api.exception_handler(FieldErrors)
def _field_errors(request, exc: FieldErrors):
    return api.create_response(
        request, {"detail": _("Some fields are not valid."), "errors": exc.errors}, status=422
    )


@api.exception_handler(Refused)
def _refused(request, exc: Refused):
    return api.create_response(request, {"detail": str(exc.message), "reason": exc.reason}, status=exc.status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(RequestDataTooBig)
def _too_large(request, exc):
    return api.create_response(request, {"detail": _("The request is too large.")}, status=413)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return api.create_response(request, {"detail": _("You may not do this.")}, status=403)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # Ninja's own messages are English ("Cannot parse request body", "CSRF check Failed").
    if exc.status_code == 403:
        detail = _("The CSRF check failed: reload the page and try again.")
    elif exc.status_code == 400:
        detail = _("The request body is not valid JSON.")
    else:
        detail = _("The request could not be processed.")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": _("Log in or send a valid bearer token.")}, status=401)


# Django tries an API path against the operations in this order: the hot paths (sign-up,
# check-in; issue 14) come right after the accounts' (the token's ping, /me), the rest as the layers.
api.add_router("/", accounts_router)
api.add_router("/", attendance_router)
api.add_router("/", activities_router)
api.add_router("/", network_router)
api.add_router("/", volunteers_router)
api.add_router("/", training_router)
api.add_router("/", notifications_router)
api.add_router("/", ledger_router)
api.add_router("/", credit_router)
api.add_router("/", benefits_router)
api.add_router("/", benefits_loans_router)
api.add_router("/", benefits_points_router)
api.add_router("/", reports_router)
api.add_router("/", reports_dashboards_router)
api.add_router("/", reports_assessments_router)
api.add_router("/", projects_router)
api.add_router("/", needs_router)
api.add_router("/", mobilization_router)
