"""Generate the checked-in contract files from the catalogue: a JSON Schema per event type and
version, the envelope's JSON Schema, and an AsyncAPI document of every service's topic.

    python -m govgrid.catalogue.export          # rewrite schemas/
    python -m govgrid.catalogue.export --check  # exit 1 if schemas/ is not what the catalogue says

A test runs the check, so a payload change without regenerated schemas fails CI.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from govgrid.catalogue import Catalogue
from govgrid.catalogue import catalogue
from govgrid.catalogue.registry import EVERY_SERVICE
from govgrid.envelope import EventEnvelope
from govgrid.kafka import events_topic

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"


def payload_schema_name(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}"


def render(cat: Catalogue = catalogue) -> dict[str, str]:
    """Relative path -> file text for every generated file."""
    files: dict[str, Any] = {"envelope.schema.json": EventEnvelope.model_json_schema()}
    for entry in cat.entries():
        schema = entry.model.model_json_schema()
        schema["$comment"] = f"event {entry.event_type} version {entry.schema_version} of {entry.service}"
        name = payload_schema_name(entry.event_type, entry.schema_version)
        files[f"events/{entry.service}/{name}.schema.json"] = schema
    files["asyncapi.json"] = asyncapi(cat)
    return {
        path: json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        for path, doc in files.items()
    }


def asyncapi(cat: Catalogue) -> dict[str, Any]:
    """AsyncAPI 3.0: one channel per write service, one message per event type (latest version); the
    event log's own events (``EVERY_SERVICE``) are on every channel."""
    schemas: dict[str, Any] = {
        "EventEnvelope": EventEnvelope.model_json_schema(ref_template="#/components/schemas/{model}")
    }
    messages: dict[str, Any] = {}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    latest = [e for e in cat.entries() if e.schema_version == cat.latest_version(e.event_type)]
    services = sorted({e.service for e in latest} - {EVERY_SERVICE})
    for entry in latest:
        payload_name = entry.event_type
        schemas[payload_name] = entry.model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in schemas[payload_name].pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        messages[entry.event_type] = {
            "name": entry.event_type,
            "title": f"{entry.event_type} v{entry.schema_version}",
            "contentType": "application/json",
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/EventEnvelope"},
                    {
                        "type": "object",
                        "properties": {
                            "event_type": {"const": entry.event_type},
                            "schema_version": {"const": entry.schema_version},
                            "payload": {"$ref": f"#/components/schemas/{payload_name}"},
                        },
                    },
                ]
            },
            "bindings": {"kafka": {"key": {"type": "string", "description": "the event's stream_id"}}},
        }
        # An event of the event log itself is on every service's channel.
        for channel in services if entry.service == EVERY_SERVICE else [entry.service]:
            channels.setdefault(
                channel,
                {
                    "address": events_topic(channel),
                    "description": f"Every event of the {channel} service; key = stream id; kept forever.",
                    "messages": {},
                },
            )["messages"][entry.event_type] = {"$ref": f"#/components/messages/{entry.event_type}"}
    for channel, spec in channels.items():
        operations[f"publish_{channel}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel}"},
            "messages": [{"$ref": f"#/channels/{channel}/messages/{m}"} for m in spec["messages"]],
        }
    for envelope_def, definition in schemas["EventEnvelope"].pop("$defs", {}).items():
        schemas.setdefault(envelope_def, definition)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "govgrid events",
            "version": "1",
            "description": "Events of the govgrid write services (党务+警务+村务), one envelope for all.",
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": _asyncapi_schema(schemas), "messages": messages},
    }


def _asyncapi_schema(schema: Any) -> Any:
    """pydantic writes a discriminated union's ``discriminator`` the OpenAPI way, as an object
    (``{"propertyName": "kind", "mapping": ...}``); the AsyncAPI schema format, the default for
    payloads, wants the property name as a string, and its parser rejects the object. The mapping
    is not lost: each ``oneOf`` branch fixes the property with a ``const``."""
    if isinstance(schema, list):
        return [_asyncapi_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: _asyncapi_schema(value) for key, value in schema.items()}
    if isinstance(schema.get("discriminator"), dict) and "propertyName" in schema["discriminator"]:
        converted["discriminator"] = schema["discriminator"]["propertyName"]
    return converted


def drift(directory: Path = SCHEMAS_DIR, cat: Catalogue = catalogue) -> list[str]:
    """Paths whose checked-in text differs from the catalogue's (missing, changed or stale)."""
    expected = render(cat)
    on_disk = (
        {str(p.relative_to(directory)): p.read_text() for p in directory.rglob("*.json")}
        if directory.exists()
        else {}
    )
    return sorted(
        path for path in expected.keys() | on_disk.keys() if expected.get(path) != on_disk.get(path)
    )


def write(directory: Path = SCHEMAS_DIR, cat: Catalogue = catalogue) -> None:
    for stale in directory.rglob("*.json") if directory.exists() else []:
        stale.unlink()
    for path, text in render(cat).items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only report drift, exit 1 if any")
    args = parser.parse_args(argv)
    if args.check:
        changed = drift()
        for path in changed:
            print(f"out of date: schemas/{path}", file=sys.stderr)
        if changed:
            print("run: python -m govgrid.catalogue.export", file=sys.stderr)
        return 1 if changed else 0
    write()
    print(f"wrote {len(render())} files to {SCHEMAS_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
