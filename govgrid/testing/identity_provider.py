"""A real OpenID Connect provider for the tests: ORY Hydra, on free ports, with clients of our choosing.

Hydra is built once from its Go module with the Go toolchain (a few minutes) and cached under
``~/.cache/govgrid`` (``GOVGRID_CACHE`` to move it); it stores nothing on disk (``dsn: memory``).
Client-credentials tokens are JWTs signed with an ES256 key; a token hook served here adds each
client's govgrid claims (role, jurisdiction), as a city's provider would from its directory. A
provider that cannot be built or started fails the test, it never skips it.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

HYDRA_MODULE = "github.com/ory/hydra/v2"
HYDRA_VERSION = "v2.3.0"
# Hydra's own go.mod replaces pop with ORY's fork; a dependency's replace directives do not reach
# the module that builds it, so ours repeats it.
HYDRA_REPLACE = "github.com/gobuffalo/pop/v6 => github.com/ory/pop/v6 v6.2.1-0.20241121111754-e5dfc0f3344b"
BUILD_TIMEOUT_SECONDS = 1800
START_TIMEOUT_SECONDS = 60


def hydra_binary() -> Path:
    """The cached Hydra binary, built on first use."""
    cache = Path(os.environ.get("GOVGRID_CACHE", Path.home() / ".cache" / "govgrid"))
    binary = cache / f"hydra-{HYDRA_VERSION}" / "hydra"
    if binary.exists():
        return binary
    go = shutil.which("go") or "/usr/local/go/bin/go"
    module = Path(tempfile.mkdtemp(prefix="hydra-build-"))
    try:
        (module / "go.mod").write_text(f"module govgrid.test/hydra\n\ngo 1.24\n\nreplace {HYDRA_REPLACE}\n")
        environment = {**os.environ, "CGO_ENABLED": "1"}  # the in-memory store is SQLite
        for command in (
            [go, "get", f"{HYDRA_MODULE}@{HYDRA_VERSION}"],
            [
                go,
                "build",
                "-mod=mod",
                "-tags",
                "sqlite,sqlite_omit_load_extension",
                "-o",
                "hydra",
                HYDRA_MODULE,
            ],
        ):
            built = subprocess.run(
                command,
                cwd=module,
                env=environment,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT_SECONDS,
            )
            if built.returncode != 0:
                raise RuntimeError(f"building Hydra failed: {' '.join(command)}\n{built.stderr[-3000:]}")
        binary.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(module / "hydra", binary)  # moved in whole, so a half-built binary is never cached
    finally:
        shutil.rmtree(module, ignore_errors=True)
    return binary


@dataclass
class Client:
    client_id: str
    secret: str
    claims: dict[str, Any]


@dataclass
class IdentityProvider:
    """A running Hydra: its issuer URL and a way to get client-credentials tokens."""

    issuer: str
    admin_url: str
    clients: dict[str, Client] = field(default_factory=dict)

    def register(self, client_id: str, claims: dict[str, Any], audience: list[str]) -> Client:
        """A client allowed the client-credentials grant for ``audience``, whose tokens carry ``claims``."""
        client = Client(client_id, secrets.token_urlsafe(24), claims)
        body = {
            "client_id": client_id,
            "client_secret": client.secret,
            "grant_types": ["client_credentials"],
            "audience": audience,
            "token_endpoint_auth_method": "client_secret_post",
            "access_token_strategy": "jwt",
        }
        httpx.post(f"{self.admin_url}/admin/clients", json=body, timeout=10).raise_for_status()
        self.clients[client_id] = client
        return client

    def token(self, client_id: str, audience: str) -> str:
        client = self.clients[client_id]
        form = {
            "grant_type": "client_credentials",
            "client_id": client.client_id,
            "client_secret": client.secret,
            "audience": audience,
        }
        answer = httpx.post(f"{self.issuer}oauth2/token", data=form, timeout=10)
        answer.raise_for_status()
        token: str = answer.json()["access_token"]
        return token


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _token_hook(provider: IdentityProvider) -> ThreadingHTTPServer:
    """Hydra calls this before it signs a token: the answer's claims go into the access token."""

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            client = provider.clients.get(request["request"]["client_id"])
            body = json.dumps({"session": {"access_token": client.claims if client else {}}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the tests' output is not the place for each hook call

    return ThreadingHTTPServer(("127.0.0.1", 0), Hook)


@contextmanager
def hydra_server(top_level_claims: list[str]) -> Iterator[IdentityProvider]:
    """Hydra on free ports; ``top_level_claims`` are the hook's claims Hydra puts at the token's top
    level (others stay under ``ext``)."""
    binary = hydra_binary()
    public_port, admin_port = _free_port(), _free_port()
    provider = IdentityProvider(
        issuer=f"http://127.0.0.1:{public_port}/", admin_url=f"http://127.0.0.1:{admin_port}"
    )
    hook = _token_hook(provider)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    home = Path(tempfile.mkdtemp(prefix="govgrid-hydra-"))
    config = {
        "dsn": "memory",
        "urls": {"self": {"issuer": provider.issuer}},
        "secrets": {"system": [secrets.token_urlsafe(32)]},
        "strategies": {"access_token": "jwt"},
        "oauth2": {
            "token_hook": f"http://127.0.0.1:{hook.server_address[1]}/",
            "allowed_top_level_claims": top_level_claims,
        },
        "serve": {
            "public": {"host": "127.0.0.1", "port": public_port},
            "admin": {"host": "127.0.0.1", "port": admin_port},
        },
        "log": {"level": "warn"},
    }
    (home / "hydra.json").write_text(json.dumps(config))
    log = (home / "hydra.log").open("w")
    process = subprocess.Popen(
        [str(binary), "serve", "all", "--dev", "--config", str(home / "hydra.json")],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_until_ready(provider, process, home / "hydra.log")
        # Access tokens signed with ES256 (Hydra's default would be RS256): the key set is created
        # before the first token, so Hydra signs with it.
        httpx.post(
            f"{provider.admin_url}/admin/keys/hydra.jwt.access-token",
            json={"alg": "ES256", "use": "sig"},
            timeout=10,
        ).raise_for_status()
        # The first look at the public keys makes Hydra generate its ID-token key (RSA, seconds on a
        # busy machine): done here, so no test's request waits for it.
        httpx.get(f"{provider.issuer}.well-known/jwks.json", timeout=START_TIMEOUT_SECONDS).raise_for_status()
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        hook.shutdown()
        hook.server_close()
        shutil.rmtree(home, ignore_errors=True)


def _wait_until_ready(provider: IdentityProvider, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Hydra exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{provider.admin_url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # polling a condition with a deadline
    raise RuntimeError(f"Hydra not ready after {START_TIMEOUT_SECONDS} s:\n{log.read_text()[-3000:]}")
