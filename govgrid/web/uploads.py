"""Reading a bulk-import upload (CSV or JSON) from a request, for the import endpoints."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request
from pydantic import BaseModel

MEDIA_TYPES = ("text/csv", "application/json")


def upload_body(row_model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for an endpoint whose body is a CSV file or a JSON list of rows."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {
                    "schema": {"type": "string", "description": "a header line, then one row per line"}
                },
                "application/json": {"schema": {"type": "array", "items": row_model.model_json_schema()}},
            },
        }
    }


async def read_upload(request: Request) -> tuple[bytes, str, str]:
    """The raw bytes, their media type (CSV unless JSON is said) and a digest for idempotency."""
    content = await request.body()
    content_type = request.headers.get("content-type", "text/csv")
    media_type = "application/json" if "json" in content_type else "text/csv"
    return content, media_type, hashlib.sha256(content).hexdigest()
