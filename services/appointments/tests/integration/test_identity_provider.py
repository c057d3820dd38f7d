"""A service in production mode takes its callers from a real OpenID Connect provider (ORY Hydra):
keys by discovery, role and jurisdiction from the provider's claims; tokens of any other key refused."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from collections.abc import Iterator

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from govgrid.auth.dependencies import current_settings
from govgrid.config import GovgridSettings
from govgrid.testing.identity_provider import IdentityProvider
from govgrid.testing.identity_provider import hydra_server
from services.appointments.bootstrap import AppointmentsService
from services.appointments.main import create_app
from services.appointments.tests.integration.conftest import GRID
from services.appointments.tests.integration.conftest import ok

AUDIENCE = "govgrid-danzhou"


@pytest.fixture(scope="module")
def provider() -> Iterator[IdentityProvider]:
    with hydra_server(top_level_claims=["govgrid_role", "govgrid_units"]) as hydra:
        hydra.register("city-ops", {"govgrid_role": "city_admin", "govgrid_units": []}, [AUDIENCE, "other"])
        hydra.register("s01-desk", {"govgrid_role": "station_officer", "govgrid_units": ["S01"]}, [AUDIENCE])
        yield hydra


@pytest.fixture
async def api(service: AppointmentsService, provider: IdentityProvider) -> AsyncIterator[httpx.AsyncClient]:
    settings = GovgridSettings(
        run_mode="production",
        auth_issuer=provider.issuer,
        auth_audience=AUDIENCE,
        auth_role_claim="govgrid_role",
        auth_jurisdiction_claim="govgrid_units",
    )
    app = create_app(service.settings)
    app.state.service = service
    app.dependency_overrides[current_settings] = lambda: settings
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://appointments"
    ) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_token_of_the_provider_is_accepted_with_its_role_and_jurisdiction(
    api: httpx.AsyncClient, provider: IdentityProvider
) -> None:
    admin = provider.token("city-ops", AUDIENCE)
    assert jwt.get_unverified_header(admin)["alg"] == "ES256"

    await ok(await api.post("/org-units", json=GRID[0], headers=bearer(admin)), 201)
    unit = await ok(await api.get("/org-units/C4604", headers=bearer(admin)))
    assert unit["name_zh"] == "儋州市"

    officer = provider.token("s01-desk", AUDIENCE)
    refused = await api.post("/org-units", json=GRID[1], headers=bearer(officer))
    assert refused.status_code == 403, refused.text  # the role came from the provider's claim
    assert "station_officer" in refused.json()["detail"]


async def test_a_token_for_another_audience_is_refused(
    api: httpx.AsyncClient, provider: IdentityProvider
) -> None:
    token = provider.token("city-ops", "other")

    answer = await api.get("/org-units/C4604", headers=bearer(token))

    assert answer.status_code == 401
    assert answer.json()["detail"] == "token audience not accepted"


async def test_a_token_signed_with_another_key_is_refused(
    api: httpx.AsyncClient, provider: IdentityProvider
) -> None:
    genuine = provider.token("city-ops", AUDIENCE)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    kid = jwt.get_unverified_header(genuine)["kid"]
    now = int(time.time())
    forged_claims = {**claims, "sub": "mallory", "iat": now, "exp": now + 600}

    for key_id in (kid, "a-key-the-provider-never-had"):
        forged = jwt.encode(forged_claims, ec.generate_private_key(ec.SECP256R1()), "ES256", {"kid": key_id})
        answer = await api.get("/org-units/C4604", headers=bearer(forged))
        assert answer.status_code == 401, answer.text
    assert answer.json()["detail"] == "token signed by an unknown key"
