"""The OpenAPI schema: the query parameters each view declares (factcheck.api.filtering, the same list that decides
which parameters a request may carry), and post-processing so that every operation documents the API's error
responses (one JSON shape, see factcheck.api.exceptions) and clients and the schema-driven tests know every status
they may meet."""

from drf_spectacular.openapi import AutoSchema

from .filtering import declared_parameters


class DeskAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the query parameters of the view's `query_parameters` for the operation."""

    def get_override_parameters(self):
        operation = getattr(self.view, "action", None) or self.method.lower()
        return [*super().get_override_parameters(), *declared_parameters(self.view, operation)]


ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "code", "detail", "fields"],
    "properties": {
        "status": {"type": "integer"},
        "code": {"type": "string", "description": "Machine-readable: invalid, not_found, stale_version, …"},
        "detail": {"type": "string", "description": "What went wrong and what to do, for people."},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per invalid input field (validation errors only).",
        },
    },
}
DESCRIPTIONS = {
    "400": "Invalid or unknown query parameters (the message lists the valid ones), an invalid body (unknown fields, "
    "texts over their maxLength, JSON nested too deep), or an If-Match that is no entity tag; `fields` names each.",
    "401": "Authentication required (or the token is invalid).",
    "403": "Your role doesn't allow this.",
    "404": "Not found, or not visible to you.",
    "405": "Method not allowed.",
    "406": "None of the accepted media types can be produced.",
    "409": "Refused by the workflow, or a duplicate of an existing record (code `duplicate`).",
    "412": "The claim changed since the ETag you sent (or the tag is no version of it); nothing was saved.",
    "413": "The body is larger than the API accepts (settings.API_MAX_BODY_BYTES; the message says how much).",
    "415": "Send JSON (Content-Type: application/json).",
    "428": "If-Match with the claim's ETag is required (`*` names no version and counts as none).",
    "429": "Too many requests; retry after Retry-After seconds.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}
WRITES = {"post", "put", "patch", "delete"}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            codes = ["400", "401", "404", "405", "406", "429"]
            if method in WRITES:
                codes += ["403", "409", "413", "415"]
                parameters = operation.get("parameters", [])
                if any(p.get("in") == "header" and p.get("name") == "If-Match" for p in parameters):
                    codes += ["412", "428"]
            responses = operation.setdefault("responses", {})
            for code in codes:
                if code in responses:
                    continue
                responses[code] = {
                    "description": DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ref}},
                }
                if code == "429":
                    responses[code]["headers"] = RETRY_AFTER
    return result
