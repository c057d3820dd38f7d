"""Operating the read side.

    python -m services.projections.cli parked [READ_MODEL]   # what could not be applied, and why
    python -m services.projections.cli retry READ_MODEL      # apply the parked events again, in order
    python -m services.projections.cli generations           # where each read model lives

A rebuild from offset 0 has its own command: python -m services.projections.rebuild READ_MODEL
"""

from __future__ import annotations

import argparse
import asyncio
import json

from govgrid.observability import configure_logging
from services.projections.dispatch import retry_parked
from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS
from services.projections.settings import ProjectionsSettings

MODELS = {model.name: model for model in READ_MODELS}


async def run(settings: ProjectionsSettings, command: str, name: str | None) -> int:
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
            for model in models:
                applied, parked = await retry_parked(await generations.active_pool(model), model)
                print(f"{model.name}: {applied} applied, {parked} still parked")
            return 0
        for model in models:
            pool = await generations.active_pool(model)
            for row in await pool.fetch(
                "SELECT event_id, stream_id, stream_version, reason, parked_at FROM parked_events"
                " ORDER BY parked_at"
            ):
                print(json.dumps({"read_model": model.name, **dict(row)}, default=str, ensure_ascii=False))
        return 0
    finally:
        await generations.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Operate the govgrid read models.")
    parser.add_argument("command", choices=["parked", "retry", "generations"])
    parser.add_argument("read_model", nargs="?", choices=sorted(MODELS))
    args = parser.parse_args(argv)
    if args.command == "retry" and args.read_model is None:
        parser.error("retry needs a read model")
    settings = ProjectionsSettings()
    configure_logging(settings)
    return asyncio.run(run(settings, args.command, args.read_model))


if __name__ == "__main__":
    raise SystemExit(main())
