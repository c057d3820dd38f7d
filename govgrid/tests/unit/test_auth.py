"""govgrid.auth: tokens, the access rules, the FastAPI dependencies and the minting CLI."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends
from fastapi import FastAPI
from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from govgrid.auth import CurrentPrincipal
from govgrid.auth import Principal
from govgrid.auth import Role
from govgrid.auth import mint_token
from govgrid.auth import read_token
from govgrid.auth import require_role
from govgrid.auth.dependencies import current_settings
from govgrid.auth.development import signing_key
from govgrid.auth.mint import main as mint_main
from govgrid.config import DEVELOPMENT_ISSUER
from govgrid.config import GovgridSettings
from govgrid.config import get_settings
from govgrid.envelope import Jurisdiction
from govgrid.errors import Forbidden
from govgrid.errors import Unauthenticated

SETTINGS = GovgridSettings(jwt_ttl_seconds=600)  # the session's development key pair (fixtures)


def signed(
    claims: dict[str, Any],
    key: Ed25519PrivateKey | ec.EllipticCurvePrivateKey | None = None,
    kid: str | None = None,
    algorithm: str = "EdDSA",
) -> str:
    """A token with exactly these claims, for the cases mint_token refuses to produce; by default
    signed like the development issuer does."""
    development_kid, development_key = signing_key(SETTINGS.development_key_dir)
    return jwt.encode(
        claims,
        key or development_key,
        algorithm=algorithm,
        headers={"kid": kid or development_kid},
    )


def valid_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": "alice",
        "role": "station_officer",
        "jur": ["S01"],
        "iss": DEVELOPMENT_ISSUER,
        "aud": "govgrid",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return claims


def reason(token: str, settings: GovgridSettings = SETTINGS) -> str:
    with pytest.raises(Unauthenticated) as caught:
        read_token(settings, token)
    return caught.value.message


def payload(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


# --- tokens -------------------------------------------------------------------------------------------


def test_round_trip_keeps_subject_role_and_jurisdiction() -> None:
    token = mint_token(SETTINGS, "alice", Role.STATION_OFFICER, ["S02", "S01", "S01"])

    assert read_token(SETTINGS, token) == Principal("alice", Role.STATION_OFFICER, frozenset({"S01", "S02"}))
    claims = payload(token)
    assert claims["jur"] == ["S01", "S02"]
    assert claims["aud"] == "govgrid"
    assert claims["exp"] - claims["iat"] == SETTINGS.jwt_ttl_seconds
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA"


def test_explicit_ttl_overrides_the_setting() -> None:
    token = mint_token(SETTINGS, "alice", Role.VIEWER, ["T01"], ttl_seconds=60)

    claims = payload(token)
    assert claims["exp"] - claims["iat"] == 60


def test_city_admin_token_may_have_no_jurisdiction() -> None:
    token = mint_token(SETTINGS, "root", Role.CITY_ADMIN, [])

    assert read_token(SETTINGS, token) == Principal("root", Role.CITY_ADMIN, frozenset())


def test_the_development_key_pair_is_generated_once(tmp_path: Path) -> None:
    settings = GovgridSettings(development_key_dir=tmp_path / "auth")

    first = mint_token(settings, "alice", Role.VIEWER, ["S01"])
    second = mint_token(settings, "bob", Role.VIEWER, ["S01"])

    assert jwt.get_unverified_header(first)["kid"] == jwt.get_unverified_header(second)["kid"]
    assert sorted(p.name for p in (tmp_path / "auth").iterdir()) == ["jwks.json", "signing-key.pem"]
    assert (tmp_path / "auth" / "signing-key.pem").stat().st_mode & 0o077 == 0
    jwks = json.loads((tmp_path / "auth" / "jwks.json").read_text())
    assert [key["kid"] for key in jwks["keys"]] == [jwt.get_unverified_header(first)["kid"]]
    assert "d" not in jwks["keys"][0]  # the public half only
    assert read_token(settings, second).subject == "bob"


def test_a_token_of_another_development_key_pair_is_refused(tmp_path: Path) -> None:
    elsewhere = GovgridSettings(development_key_dir=tmp_path / "auth")
    token = mint_token(elsewhere, "mallory", Role.CITY_ADMIN, [])

    assert reason(token) == "token signed by an unknown key"


def test_expired_token_is_refused() -> None:
    long_ago = int(time.time()) - 7200
    token = signed(valid_claims(iat=long_ago, exp=long_ago + 60))

    assert reason(token) == "token expired"


def test_forged_signature_under_a_known_key_id_is_refused() -> None:
    token = signed(valid_claims(role="city_admin"), key=Ed25519PrivateKey.generate())

    assert reason(token) == "token signature invalid"


def test_tampered_payload_is_refused() -> None:
    header, _, signature = mint_token(SETTINGS, "alice", Role.VIEWER, ["S01"]).split(".")
    other_payload = signed(valid_claims(role="city_admin")).split(".")[1]

    assert reason(f"{header}.{other_payload}.{signature}") == "token signature invalid"


def test_unsigned_token_is_refused() -> None:
    token = jwt.encode(valid_claims(role="city_admin"), "", algorithm="none")  # "" is how PyJWT spells no key

    assert reason(token) == "token algorithm not accepted"


def test_a_shared_secret_is_never_accepted() -> None:
    # The old HS256 scheme, and the classic attack of signing with the public key as an HMAC secret.
    public_key = json.loads((SETTINGS.development_key_dir / "jwks.json").read_text())["keys"][0]["x"]
    token = jwt.encode(
        valid_claims(role="city_admin"),
        public_key,
        algorithm="HS256",
        headers={"kid": signing_key(SETTINGS.development_key_dir)[0]},
    )

    assert reason(token) == "token algorithm not accepted"


def test_an_algorithm_other_than_the_keys_is_refused() -> None:
    settings = GovgridSettings(auth_algorithms=("EdDSA", "ES256"))
    token = signed(valid_claims(), key=ec.generate_private_key(ec.SECP256R1()), algorithm="ES256")

    assert reason(token, settings) == "token algorithm does not match its key"


def test_a_token_without_key_id_is_refused() -> None:
    _, key = signing_key(SETTINGS.development_key_dir)
    token = jwt.encode(valid_claims(), key, algorithm="EdDSA")

    assert reason(token) == "token names no signing key"


def test_wrong_issuer_is_refused() -> None:
    assert reason(signed(valid_claims(iss="someone-else"))) == "token issuer not accepted"


def test_wrong_audience_is_refused() -> None:
    assert reason(signed(valid_claims(aud="another-system"))) == "token audience not accepted"


def test_garbage_is_refused_without_echoing_it() -> None:
    assert reason("not-a-jwt") == "token malformed or invalid"


@pytest.mark.parametrize("claim", ["exp", "iat", "sub", "iss", "aud"])
def test_missing_registered_claim_is_refused(claim: str) -> None:
    claims = valid_claims()
    del claims[claim]

    assert reason(signed(claims)) == f"token lacks the {claim!r} claim"


@pytest.mark.parametrize(
    "role", ["superuser", "", None, [], ["city_admin", "viewer"], "CITY_ADMIN", {"city_admin": True}]
)
def test_unknown_role_is_refused(role: Any) -> None:
    assert reason(signed(valid_claims(role=role))) == "token role unknown"


def test_missing_role_is_refused() -> None:
    claims = valid_claims()
    del claims["role"]

    assert reason(signed(claims)) == "token role unknown"


def test_missing_jurisdiction_is_refused() -> None:
    claims = valid_claims()
    del claims["jur"]

    assert reason(signed(claims)) == "token jurisdiction must be a list of non-empty codes"


@pytest.mark.parametrize("jur", ["S01", [""], ["S01", 7], {"S01": True}, None])
def test_malformed_jurisdiction_is_refused(jur: Any) -> None:
    assert reason(signed(valid_claims(jur=jur))) == "token jurisdiction must be a list of non-empty codes"


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.CITY_ADMIN])
def test_empty_jurisdiction_is_refused_for_everyone_but_the_city_admin(role: Role) -> None:
    assert reason(signed(valid_claims(role=str(role), jur=[]))) == "token jurisdiction empty"


def test_empty_subject_is_refused() -> None:
    assert reason(signed(valid_claims(sub=""))) == "token subject invalid"


def test_role_and_jurisdiction_come_from_the_configured_claims() -> None:
    # Keycloak's shape: realm roles in a list among roles of other systems, codes in a custom claim.
    settings = GovgridSettings(auth_role_claim="realm_access.roles", auth_jurisdiction_claim="govgrid.units")
    claims = valid_claims(
        realm_access={"roles": ["offline_access", "township_officer", "uma_authorization"]},
        govgrid={"units": ["T01"]},
    )
    del claims["role"], claims["jur"]

    assert read_token(settings, signed(claims)) == Principal(
        "alice", Role.TOWNSHIP_OFFICER, frozenset({"T01"})
    )
    assert reason(signed(valid_claims()), settings) == "token role unknown"


def test_mint_writes_the_configured_claims() -> None:
    settings = GovgridSettings(auth_role_claim="realm_access.roles", auth_jurisdiction_claim="units")
    token = mint_token(settings, "alice", Role.VIEWER, ["S01"])

    assert payload(token)["realm_access"] == {"roles": "viewer"}
    assert read_token(settings, token) == Principal("alice", Role.VIEWER, frozenset({"S01"}))


@pytest.mark.parametrize(
    ("subject", "role", "jurisdiction", "ttl"),
    [
        ("", Role.VIEWER, ["S01"], None),
        ("alice", Role.VIEWER, [], None),
        ("alice", Role.VIEWER, [""], None),
        ("alice", Role.VIEWER, ["S01"], 0),
    ],
)
def test_mint_refuses_tokens_that_could_never_be_read(
    subject: str, role: Role, jurisdiction: list[str], ttl: int | None
) -> None:
    with pytest.raises(ValueError):
        mint_token(SETTINGS, subject, role, jurisdiction, ttl_seconds=ttl)


def test_mint_refuses_to_sign_for_an_identity_provider() -> None:
    settings = GovgridSettings(auth_issuer="https://login.example.gov.cn/realms/danzhou")

    with pytest.raises(ValueError, match="only the development issuer"):
        mint_token(settings, "alice", Role.CITY_ADMIN, [])


def test_a_production_service_refuses_to_start_on_the_development_issuer() -> None:
    with pytest.raises(ValidationError, match="RUN_MODE=local only"):
        GovgridSettings(run_mode="production")

    assert GovgridSettings(run_mode="production", auth_issuer="https://idp.example").run_mode == "production"


# --- access rules -------------------------------------------------------------------------------------

INSIDE = Jurisdiction(township="T01", station="S01", village="V01")
SAME_STATION_OTHER_TOWN = Jurisdiction(township="T99", station="S01")
OUTSIDE = Jurisdiction(township="T02", station="S02", village="V02")
NOWHERE = Jurisdiction()

# (role, resource, can_see, can_change); every principal except the city admin holds {"S01"}.
RULES = [
    (Role.CITY_ADMIN, INSIDE, True, True),
    (Role.CITY_ADMIN, OUTSIDE, True, True),
    (Role.CITY_ADMIN, NOWHERE, True, True),
    (Role.TOWNSHIP_OFFICER, INSIDE, True, True),
    (Role.TOWNSHIP_OFFICER, SAME_STATION_OTHER_TOWN, True, True),
    (Role.TOWNSHIP_OFFICER, OUTSIDE, False, False),
    (Role.TOWNSHIP_OFFICER, NOWHERE, False, False),
    (Role.STATION_OFFICER, INSIDE, True, True),
    (Role.STATION_OFFICER, OUTSIDE, False, False),
    (Role.STATION_OFFICER, NOWHERE, False, False),
    (Role.VILLAGE_CADRE, INSIDE, True, True),
    (Role.VILLAGE_CADRE, OUTSIDE, False, False),
    (Role.VILLAGE_CADRE, NOWHERE, False, False),
    (Role.VIEWER, INSIDE, True, False),
    (Role.VIEWER, OUTSIDE, False, False),
    (Role.VIEWER, NOWHERE, False, False),
]


def principal_for(role: Role) -> Principal:
    codes: frozenset[str] = frozenset() if role is Role.CITY_ADMIN else frozenset({"S01"})
    return Principal("p", role, codes)


@pytest.mark.parametrize(("role", "resource", "sees", "changes"), RULES)
def test_access_rules(role: Role, resource: Jurisdiction, sees: bool, changes: bool) -> None:
    principal = principal_for(role)

    assert principal.can_see(resource) is sees
    assert principal.can_change(resource) is changes
    assert principal.can_write is (role is not Role.VIEWER)


@pytest.mark.parametrize(("role", "resource", "sees", "changes"), RULES)
def test_ensure_methods_raise_forbidden_exactly_when_the_rule_says_no(
    role: Role, resource: Jurisdiction, sees: bool, changes: bool
) -> None:
    principal = principal_for(role)

    if sees:
        principal.ensure_can_see(resource)
    else:
        with pytest.raises(Forbidden, match="no jurisdiction"):
            principal.ensure_can_see(resource)
    if changes:
        principal.ensure_can_change(resource)
    else:
        with pytest.raises(Forbidden):
            principal.ensure_can_change(resource)


def test_viewer_is_told_it_is_read_only() -> None:
    with pytest.raises(Forbidden, match="read-only"):
        principal_for(Role.VIEWER).ensure_can_change(INSIDE)


def test_any_matching_code_is_enough() -> None:
    village_cadre = Principal("v", Role.VILLAGE_CADRE, frozenset({"V07", "V08"}))

    assert village_cadre.can_see(Jurisdiction(township="T01", village="V08"))
    assert not village_cadre.can_see(Jurisdiction(township="T01", station="S01", village="V09"))


# --- FastAPI dependencies -----------------------------------------------------------------------------


def install_error_handlers(app: FastAPI) -> None:
    """Minimal stand-in for govgrid.web.errors, so the tests can see 401 and 403."""

    async def unauthenticated(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Unauthenticated)
        return JSONResponse(
            {"code": exc.code, "message": exc.message},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    async def forbidden(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Forbidden)
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=403)

    app.add_exception_handler(Unauthenticated, unauthenticated)
    app.add_exception_handler(Forbidden, forbidden)


def build_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.dependency_overrides[current_settings] = lambda: SETTINGS

    @app.get("/stations/{station}")
    def read_station(station: str, principal: CurrentPrincipal) -> dict[str, str]:
        principal.ensure_can_see(Jurisdiction(station=station))
        return {"subject": principal.subject}

    @app.post("/stations/{station}")
    def change_station(station: str, principal: CurrentPrincipal) -> dict[str, str]:
        principal.ensure_can_change(Jurisdiction(station=station))
        return {"subject": principal.subject}

    @app.get("/admin")
    def admin_only(
        principal: Annotated[Principal, Depends(require_role(Role.CITY_ADMIN, Role.TOWNSHIP_OFFICER))],
    ) -> dict[str, str]:
        return {"role": principal.role}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    # httpx over ASGI rather than fastapi.testclient, which warns that it wants the httpx2 package.
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as test_client:
        yield test_client


def bearer(role: Role, *codes: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(SETTINGS, 'alice', role, codes)}"}


async def test_no_header_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/stations/S01")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization",
    ["Bearer garbage", "Basic YWxpY2U6c2VjcmV0", "Bearer", "garbage"],
)
async def test_bad_header_is_401(client: httpx.AsyncClient, authorization: str) -> None:
    response = await client.get("/stations/S01", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


async def test_token_signed_with_another_key_is_401(client: httpx.AsyncClient) -> None:
    token = signed(valid_claims(role="city_admin", jur=[]), key=Ed25519PrivateKey.generate())

    response = await client.get("/stations/S01", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.json()["message"] == "token signature invalid"


async def test_valid_token_inside_jurisdiction_is_200(client: httpx.AsyncClient) -> None:
    response = await client.get("/stations/S01", headers=bearer(Role.STATION_OFFICER, "S01"))

    assert response.status_code == 200
    assert response.json() == {"subject": "alice"}


async def test_valid_token_outside_jurisdiction_is_403(client: httpx.AsyncClient) -> None:
    response = await client.get("/stations/S02", headers=bearer(Role.STATION_OFFICER, "S01"))

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_officer_writing_inside_jurisdiction_is_200(client: httpx.AsyncClient) -> None:
    response = await client.post("/stations/S01", headers=bearer(Role.STATION_OFFICER, "S01"))

    assert response.status_code == 200


async def test_viewer_writing_is_403(client: httpx.AsyncClient) -> None:
    headers = bearer(Role.VIEWER, "S01")

    assert (await client.get("/stations/S01", headers=headers)).status_code == 200
    response = await client.post("/stations/S01", headers=headers)
    assert response.status_code == 403
    assert "read-only" in response.json()["message"]


async def test_require_role_refuses_other_roles_with_403(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin", headers=bearer(Role.STATION_OFFICER, "S01"))

    assert response.status_code == 403
    assert "station_officer" in response.json()["message"]


async def test_require_role_admits_listed_roles(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin", headers=bearer(Role.TOWNSHIP_OFFICER, "T01"))

    assert response.status_code == 200
    assert response.json() == {"role": "township_officer"}


def test_require_role_without_roles_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        require_role()


async def test_openapi_declares_the_bearer_scheme(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()

    assert schema["components"]["securitySchemes"]["HTTPBearer"] == {"type": "http", "scheme": "bearer"}
    assert schema["paths"]["/stations/{station}"]["get"]["security"] == [{"HTTPBearer": []}]


# --- CLI ----------------------------------------------------------------------------------------------


@pytest.fixture
def env_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[GovgridSettings]:
    """Settings the CLI will read from the environment; the cache is cleared so it really reads them."""
    monkeypatch.setenv("DEVELOPMENT_KEY_DIR", str(tmp_path / "cli-keys"))
    monkeypatch.setenv("AUTH_AUDIENCE", "govgrid-cli-test")
    get_settings.cache_clear()
    yield GovgridSettings()
    get_settings.cache_clear()


def test_cli_prints_only_a_token_that_read_token_accepts(
    env_settings: GovgridSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--role",
        "station_officer",
        "--jurisdiction",
        "S01",
        "--jurisdiction",
        "S02",
        "--subject",
        "alice",
    ]

    assert mint_main([*argv, "--ttl", "3600"]) == 0

    out = capsys.readouterr().out
    token = out.strip()
    assert out == f"{token}\n"
    assert read_token(env_settings, token) == Principal(
        "alice", Role.STATION_OFFICER, frozenset({"S01", "S02"})
    )
    claims = payload(token)
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["aud"] == "govgrid-cli-test"


def test_cli_rejects_an_unknown_role(
    env_settings: GovgridSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        mint_main(["--role", "emperor", "--jurisdiction", "S01", "--subject", "alice"])

    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "--role" in captured.err


def test_cli_rejects_an_officer_without_jurisdiction(
    env_settings: GovgridSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        mint_main(["--role", "village_cadre", "--subject", "bob"])

    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "jurisdiction" in captured.err
