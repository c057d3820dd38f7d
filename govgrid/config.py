"""All runtime settings in one place, read from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class GovgridSettings(BaseSettings):
    """Settings shared by every service; a service reads only what it needs.

    Variable names are the field names in upper case (``DATABASE_URL``, ``KAFKA_BOOTSTRAP_SERVERS``).
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    service_name: str = Field(default="govgrid", description="Names logs, metrics and the Kafka client id.")
    database_url: str = "postgresql://govgrid:govgrid@127.0.0.1:5432/govgrid"
    database_pool_max: int = Field(default=10, ge=1)
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", description="One broker, or the cluster's brokers comma-separated."
    )
    kafka_topic_partitions: int = Field(default=6, ge=1, description="Partitions of every events topic.")
    kafka_replication_factor: int = Field(
        default=1,
        ge=1,
        description="Copies of each topic: 1 on one broker, 3 on a cluster (then min.insync.replicas=2).",
    )

    jwt_secret: SecretStr = SecretStr("govgrid-local-development-secret-change-me")
    jwt_issuer: str = "govgrid"
    jwt_ttl_seconds: int = Field(default=8 * 3600, ge=60)

    relay_batch_size: int = Field(default=500, ge=1)
    relay_poll_interval_seconds: float = Field(
        default=1.0, gt=0, description="Fallback poll; LISTEN/NOTIFY wakes the relay sooner."
    )
    retry_after_seconds: int = Field(default=5, ge=1, description="Retry-After sent with a 503.")

    http_host: str = Field(default="127.0.0.1", description="0.0.0.0 in containers.")
    http_port: int = Field(default=8000, ge=1, le=65535, description="Each service sets its own default.")
    http_reuse_port: bool = Field(
        default=False,
        description="Bind with SO_REUSEPORT (Linux): several replicas on one host share the port.",
    )

    log_level: str = "INFO"


@lru_cache
def get_settings() -> GovgridSettings:
    return GovgridSettings()
