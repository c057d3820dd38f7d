"""Operating the read side.

    python -m services.projections.cli parked [READ_MODEL]          # what could not be applied, and why
    python -m services.projections.cli retry READ_MODEL             # read them again from Kafka, apply
    python -m services.projections.cli discard READ_MODEL EVENT_ID  # let go one Kafka no longer holds
    python -m services.projections.cli generations                  # where each read model lives

A parked event is kept as its Kafka position, not its payload: `retry` reads it again from Kafka.
One that Kafka no longer holds stays parked (its stream waits behind it) and `retry` says so on
stderr and exits with 1; `discard` then lets it go, and the read model lacks it for good.

A rebuild from offset 0 has its own command: python -m services.projections.rebuild READ_MODEL
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from uuid import UUID

from govgrid.observability import configure_logging
from services.projections.dispatch import discard_parked
from services.projections.dispatch import retry_parked
from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS
from services.projections.settings import ProjectionsSettings

MODELS = {model.name: model for model in READ_MODELS}


async def run(settings: ProjectionsSettings, command: str, name: str | None, event_id: UUID | None) -> int:
    generations = await Generations.open(settings)
    try:
        if command == "generations":
            rows = await generations.control.fetch(
                "SELECT read_model, generation, schema_name, status FROM read_model_generations ORDER BY 1, 2"
            )
            for row in rows:
                print(json.dumps(dict(row)))
            return 0
        models = [MODELS[name]] if name else list(READ_MODELS)
        if command == "retry":
            status = 0
            for model in models:
                pool = await generations.active_pool(model)
                retried = await retry_parked(pool, model, settings.kafka_bootstrap_servers)
                print(f"{model.name}: {retried.applied} applied, {retried.still_parked} still parked")
                for problem in retried.not_in_kafka:
                    print(f"{model.name}: {problem}; it stays parked (see `discard`)", file=sys.stderr)
                    status = 1
            return status
        if command == "discard":
            assert name is not None and event_id is not None
            row = await discard_parked(await generations.active_pool(MODELS[name]), MODELS[name], event_id)
            if row is None:
                print(f"{name}: no parked event {event_id}", file=sys.stderr)
                return 1
            print(
                f"{name}: discarded {row['event_type']} {row['event_id']} ({row['stream_id']} version"
                f" {row['stream_version']}); `retry {name}` applies what waited behind it"
            )
            return 0
        for model in models:
            pool = await generations.active_pool(model)
            for row in await pool.fetch(
                "SELECT event_id, event_type, stream_id, stream_version, kafka_topic, kafka_partition,"
                " kafka_offset, reason, attempts, parked_at, last_attempt_at FROM parked_events"
                " ORDER BY parked_at, stream_id, stream_version"
            ):
                print(json.dumps({"read_model": model.name, **dict(row)}, default=str, ensure_ascii=False))
        return 0
    finally:
        await generations.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Operate the govgrid read models.")
    parser.add_argument("command", choices=["parked", "retry", "discard", "generations"])
    parser.add_argument("read_model", nargs="?", choices=sorted(MODELS))
    parser.add_argument("event_id", nargs="?", type=UUID, help="discard: the parked event to let go")
    args = parser.parse_args(argv)
    if args.command in ("retry", "discard") and args.read_model is None:
        parser.error(f"{args.command} needs a read model")
    if (args.command == "discard") != (args.event_id is not None):
        parser.error("an event id goes with discard, and only with it")
    settings = ProjectionsSettings()
    configure_logging(settings)
    return asyncio.run(run(settings, args.command, args.read_model, args.event_id))


if __name__ == "__main__":
    raise SystemExit(main())
