"""The read API's connections plan each statement for its values; the worker's keep cached plans and
commit without waiting for the disk; the operator's commands commit durably."""

from __future__ import annotations

from services.projections.generations import Generations
from services.projections.readmodels import READ_MODELS
from services.projections.settings import ProjectionsSettings


async def test_each_kind_of_connection_plans_and_commits_as_it_needs(database_url: str, schema: str) -> None:
    settings = ProjectionsSettings(database_url=database_url, database_schema=schema)
    reading = await Generations.open(settings, reading=True)
    applying = await Generations.open(settings, applying=True)
    operating = await Generations.open(settings)
    try:
        for model in READ_MODELS:
            read_pool, apply_pool = await reading.active_pool(model), await applying.active_pool(model)
            operator_pool = await operating.active_pool(model)
            assert await read_pool.fetchval("SHOW plan_cache_mode") == "force_custom_plan", model.name
            assert await apply_pool.fetchval("SHOW plan_cache_mode") == "auto", model.name
            assert await apply_pool.fetchval("SHOW synchronous_commit") == "off", model.name
            assert await operator_pool.fetchval("SHOW synchronous_commit") == "on", model.name
            # All work in the model's own generation.
            where = await apply_pool.fetchval("SHOW search_path")
            assert await read_pool.fetchval("SHOW search_path") == where, model.name
            assert await operator_pool.fetchval("SHOW search_path") == where, model.name
        # What the worker records after each batch is durable, and flushes the batch before it.
        assert await applying.control.fetchval("SHOW synchronous_commit") == "on"
    finally:
        await reading.close()
        await operating.close()
        await applying.close_and_drop()
