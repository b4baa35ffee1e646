"""The error answers every API operation can give, added to the OpenAPI schema.

drf-spectacular documents only the successful answer; clients need to know the others too.
"""

from __future__ import annotations

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "A filter or page size is not valid; the body names the field.",
    "401": "No valid token or session: send `Authorization: Token <key>`.",
    "404": "No such object, or a page past the last.",
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR}},
                    },
                )
    return result
