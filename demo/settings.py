"""The demo's settings: where the write services answer (APPOINTMENTS_URL...); its city-admin token
is signed by the development issuer (govgrid.auth.mint), so the services must run in local mode."""

from __future__ import annotations

from govgrid.addresses import WriteServiceAddresses


class DemoSettings(WriteServiceAddresses):
    """The demo needs only the write services' addresses (and the kernel's settings)."""
