"""A lean keep-alive HTTP/1.1 client for the load generators: only what they send and read.

Why not httpx: a load generator must cost far less than what it loads, and on this machine httpx
spent 1.8 ms of CPU per request at 10 requests/s and 5.6 ms at 500/s offered (bench/floor_bench.py),
as much as the service it loaded; the client, not the platform, capped the rate measured near 150/s.
wrk2 is written in C for the same reason. This one keeps up to ``connections`` open connections,
writes each request in one send and reads the answer by its Content-Length (or chunks).
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from dataclasses import dataclass
from typing import Any


class HttpError(Exception):
    """The request got no answer: connection refused or lost, or no answer in time."""


@dataclass(frozen=True)
class Answer:
    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class LeanClient:
    def __init__(
        self, base_url: str, headers: dict[str, str] | None = None, connections: int = 64, timeout: float = 30
    ) -> None:
        url = urllib.parse.urlsplit(base_url)
        if url.scheme != "http" or url.hostname is None:
            raise ValueError(f"plain http URLs only: {base_url}")
        self._host, self._port = url.hostname, url.port or 80
        self._head = f"Host: {url.netloc}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._timeout = timeout
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self._slots = asyncio.Semaphore(connections)

    async def get(self, path: str, params: dict[str, str] | None = None) -> Answer:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return await self.request("GET", path + query)

    async def post(self, path: str, json_body: object, headers: dict[str, str] | None = None) -> Answer:
        body = json.dumps(json_body, ensure_ascii=False).encode()
        extra = {"Content-Type": "application/json", **(headers or {})}
        return await self.request("POST", path, body, extra)

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Answer:
        head = f"{method} {path} HTTP/1.1\r\n{self._head}Content-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        async with self._slots:
            try:
                return await asyncio.wait_for(self._exchange(head.encode() + b"\r\n" + body), self._timeout)
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                raise HttpError(f"{method} {path}: {exc!r}") from exc

    async def _exchange(self, request: bytes) -> Answer:
        # A kept-alive connection the server has closed meanwhile (uvicorn closes idle ones after a
        # few seconds) fails before any byte of its answer: the request is sent again on a new one.
        while self._idle:
            reader, writer = self._idle.pop()
            try:
                return await self._on(reader, writer, request)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                    raise
        reader, writer = await asyncio.open_connection(self._host, self._port)
        return await self._on(reader, writer, request)

    async def _on(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> Answer:
        try:
            writer.write(request)
            status, length, chunked, close = await _head(reader)
            content = await _chunks(reader) if chunked else await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        if close:
            writer.close()
        else:
            self._idle.append((reader, writer))
        return Answer(status, content)

    async def aclose(self) -> None:
        for _reader, writer in self._idle:
            writer.close()
        self._idle.clear()


async def _head(reader: asyncio.StreamReader) -> tuple[int, int, bool, bool]:
    """The status, Content-Length, whether chunked, and whether the server closes the connection."""
    lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    fields = {
        name.strip().lower(): value.strip() for name, _, value in (x.partition(":") for x in lines[1:] if x)
    }
    chunked = fields.get("transfer-encoding", "").lower() == "chunked"
    return status, int(fields.get("content-length", "0")), chunked, fields.get("connection") == "close"


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
    await reader.readuntil(b"\r\n")  # the empty trailer
    return b"".join(parts)
