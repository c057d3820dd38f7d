"""Settings of the field app: where the services it forwards to answer."""

from __future__ import annotations

from pydantic import Field

from govgrid.addresses import WriteServiceAddresses


class FieldSettings(WriteServiceAddresses):
    service_name: str = "field"
    http_port: int = 8106
    read_api_url: str = Field(default="http://127.0.0.1:8100", description="The read API (my work).")
    upstream_timeout_seconds: float = Field(default=15.0, gt=0)

    def upstreams(self) -> dict[str, str]:
        """The only services the app forwards to, by the name in ``/api/<name>/...``."""
        return {**self.write_services(), "read": self.read_api_url}
