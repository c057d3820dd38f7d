"""The read API's connections plan each statement for its values; the worker's keep cached plans."""

from __future__ import annotations

from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS
from services.projections.settings import ProjectionsSettings


async def test_the_read_api_plans_for_the_values_asked_and_the_worker_keeps_its_plans(
    database_url: str, schema: str
) -> None:
    settings = ProjectionsSettings(database_url=database_url, database_schema=schema)
    reading = await Generations.open(settings, reading=True)
    applying = await Generations.open(settings)
    try:
        for model in READ_MODELS:
            read_pool, apply_pool = await reading.active_pool(model), await applying.active_pool(model)
            assert await read_pool.fetchval("SHOW plan_cache_mode") == "force_custom_plan", model.name
            assert await apply_pool.fetchval("SHOW plan_cache_mode") == "auto", model.name
            # Both still work in the model's own generation.
            where = await apply_pool.fetchval("SHOW search_path")
            assert await read_pool.fetchval("SHOW search_path") == where, model.name
    finally:
        await reading.close()
        await applying.close_and_drop()
