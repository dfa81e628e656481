"""OpenAPI details drf-spectacular cannot see: the machine clients' authentication, and
the error answers every operation may give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {}},
    "additionalProperties": True,
    "description": "An error: `detail` says what is wrong (for invalid input, per field).",
}
ERRORS = {
    "400": "The input is invalid.",
    "401": "No valid credentials (machine clients: bearer key or HMAC signature).",
    "403": "Not allowed: another province's university, a role that may not, or not this node.",
    "404": "No such object, or outside the caller's scope.",
}


class ClientKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ClientKeyAuthentication"
    name = "clientKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "`Bearer <key id>.<key>`, or `HMAC-SHA256 key_id=<id>, ts=<unix seconds>, "
                "sig=<hex HMAC-SHA256 of METHOD\\nPATH?QUERY\\nTS\\nSHA256(body)>`."
            ),
        }


def document_errors(result, generator, request, public):
    """Add the error answers and their schema to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
