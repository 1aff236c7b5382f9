"""Simulated phones that speak the app's own websocket protocol (Reflex 0.10.1 over Socket.IO / Engine.IO 4).

One :class:`Phone` is one browser tab: it connects to ``/_event`` with its tab token, hydrates a page the way
the compiled frontend does (``hydrate_and_load`` in the Socket.IO CONNECT packet), follows client-side
navigations (``on_load_internal``), sends events and keeps the state deltas it receives. Used by the load
generator (``bench/load_bench.py``) and by the end-to-end tests of the event loop and of a dying worker.

Frames, as a real tab sends and receives them (captured from Chromium):

    → 40/_event,{"event": {"name": "reflex___state____state.hydrate_and_load", "router_data": {...}}}
    ← 40/_event,{"sid": "..."}
    ← 42/_event,["event", {"delta": {"reflex___state____state": {"is_hydrated_rx_state_": true}}}]
    → 42/_event,["event", {"name": "<state path>.<handler>", "payload": {...}, "router_data": {...}}]

A tab's events are processed in order, so "the page is ready" is the root state's ``is_hydrated`` turning
true, and an event is done when the delta it causes arrives (every event the benchmark sends changes
something the page shows).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import websockets

ROOT = "reflex___state____state"
APP = f"{ROOT}.citizen_app___states___base____app_state"
SEARCH = f"{APP}.citizen_app___states___catalog____search_state"
HYDRATED = "is_hydrated_rx_state_"
REDIRECT = "_redirect"  # a pseudo-substate under which a redirect the server sent is reported to waiters
NAMESPACE = "/_event"
REFLEX_VERSION = "0.10.1"

Delta = dict[str, dict[str, Any]]


class PhoneError(Exception):
    """The server closed the tab's connection, or an answer did not come in time."""


def state_path(*chain: tuple[str, str]) -> str:
    """``state_path(("staff", "StaffState"), ("staff_queue", "StaffQueueState"))``: the full Reflex name of one
    of our states, from AppState down (each link is its module under ``citizen_app.states`` and its class)."""
    path = APP
    for module, cls in chain:
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in cls).lstrip("_")
        path += f".citizen_app___states___{module.replace('.', '___')}____{snake}"
    return path


def router_data(path: str) -> dict[str, Any]:
    parts = urlsplit(path)
    data: dict[str, Any] = {"pathname": parts.path, "asPath": path}
    query = dict(parse_qsl(parts.query))
    if query:
        data["query"] = query
    return data


class Phone:
    """One tab. ``await phone.open("/vi/")``, ``await phone.event(...)``, ``await phone.close()``."""

    def __init__(self, base_url: str, *, cookie: str = "", token: str | None = None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookie = cookie
        self.token = token or str(uuid.uuid4())
        self.timeout = timeout
        self.path = "/"
        self.state: Delta = {}
        self.received_bytes = 0
        self.redirect = ""
        self._socket: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._waiters: list[tuple[Callable[[Delta], bool], asyncio.Future[Delta]]] = []
        self._closed: BaseException | None = None

    # ---- connection ----
    async def open(self, path: str, hashes: dict[str, Any] | None = None) -> float:
        """Load ``path`` as a fresh tab would: connect, hydrate, run its on_load events. Seconds until ready.

        ``hashes``: the hydrate payload a compiled page sends (its state defaults' hashes), so the server sends
        only what differs, as it does for a browser; without it the whole state tree comes back."""
        self.path = path
        started = time.perf_counter()
        ws_url = self.base_url.replace("http", "ws", 1) + f"{NAMESPACE}/?token={self.token}&EIO=4&transport=websocket"
        headers = {"Origin": self.base_url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self._closed = None
        self._socket = await asyncio.wait_for(
            websockets.connect(
                ws_url,
                additional_headers=headers,
                subprotocols=[websockets.Subprotocol(REFLEX_VERSION)],
                max_size=None,
                compression=None,
                open_timeout=self.timeout,
                ping_interval=None,
            ),
            self.timeout,
        )
        opening = json.loads((await asyncio.wait_for(self._socket.recv(), self.timeout))[1:])
        self._ping_interval = opening.get("pingInterval", 25000) / 1000
        ready = self._expect(lambda delta: delta.get(ROOT, {}).get(HYDRATED) is True)
        self._reader = asyncio.create_task(self._read())
        boot = {"event": {"name": f"{ROOT}.hydrate_and_load", "payload": hashes or {}, "router_data": router_data(path)}}
        await self._socket.send(f"40{NAMESPACE}," + json.dumps(boot))
        await self._wait(ready)
        return time.perf_counter() - started

    async def navigate(self, path: str) -> float:
        """A client-side navigation (a link inside the app): the new page's on_load events. Seconds until ready."""
        self.path = path
        started = time.perf_counter()
        went_away = self._expect(lambda delta: delta.get(ROOT, {}).get(HYDRATED) is False)
        ready = self._expect(lambda delta: went_away.done() and delta.get(ROOT, {}).get(HYDRATED) is True)
        await self._emit(f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal", {})
        await self._wait(ready)
        return time.perf_counter() - started

    async def event(
        self, name: str, payload: dict[str, Any] | None = None, *, until: Callable[[Delta], bool] | None = None
    ) -> float:
        """Send one event; seconds until the delta it causes (or the first delta satisfying ``until``)."""
        started = time.perf_counter()
        done = self._expect(until or (lambda delta: True))
        await self._emit(name, payload or {})
        await self._wait(done)
        return time.perf_counter() - started

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._socket is not None:
            with contextlib.suppress(TimeoutError, websockets.WebSocketException, OSError):
                await asyncio.wait_for(self._socket.close(), 5)
        self._socket = self._reader = None

    async def until_redirect(self, name: str, payload: dict[str, Any] | None = None) -> tuple[float, str]:
        """Send an event that ends in a redirect (Continue, Start now, Send): seconds, and where it goes."""
        self.redirect = ""
        seconds = await self.event(name, payload, until=lambda delta: REDIRECT in delta)
        return seconds, self.redirect

    def value(self, state: str, var: str, default: Any = None) -> Any:
        return self.state.get(state, {}).get(f"{var}_rx_state_", default)

    # ---- protocol ----
    async def _emit(self, name: str, payload: dict[str, Any]) -> None:
        if self._closed is not None or self._socket is None:
            raise PhoneError(f"connection closed: {self._closed}")
        event = {"name": name, "payload": payload, "router_data": router_data(self.path)}
        await self._socket.send(f"42{NAMESPACE}," + json.dumps(["event", event]))

    def _expect(self, predicate: Callable[[Delta], bool]) -> asyncio.Future[Delta]:
        future: asyncio.Future[Delta] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        return future

    async def _wait(self, future: asyncio.Future[Delta]) -> Delta:
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError as late:
            self._waiters = [(p, f) for p, f in self._waiters if f is not future]
            raise PhoneError(f"no answer within {self.timeout:.0f} s on {self.path}") from late

    async def _read(self) -> None:
        try:
            async for frame in self._socket:
                self.received_bytes += len(frame)
                if frame == "2":  # Engine.IO ping: a tab that does not answer is dropped
                    await self._socket.send("3")
                    continue
                if not frame.startswith(f"42{NAMESPACE},"):
                    continue
                kind, update = json.loads(frame[len(NAMESPACE) + 3 :])
                if kind != "event":
                    continue
                delta: Delta = update.get("delta") or {}
                for event in update.get("events") or []:
                    if event.get("name") == "_redirect":  # the page would navigate: the caller follows it
                        self.redirect = str((event.get("payload") or {}).get("path") or "")
                        delta = {**delta, REDIRECT: {"path": self.redirect}}
                for substate, values in delta.items():
                    self.state.setdefault(substate, {}).update(values)
                for predicate, future in list(self._waiters):
                    if not future.done() and predicate(delta):
                        future.set_result(delta)
                self._waiters = [(p, f) for p, f in self._waiters if not f.done()]
        except websockets.WebSocketException as error:
            self._fail(error)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a malformed frame is a failure of the run, not a crash of the phone
            self._fail(error)
        else:
            self._fail(PhoneError("server closed the connection"))

    def _fail(self, error: BaseException) -> None:
        self._closed = error
        for _predicate, future in self._waiters:
            if not future.done():
                future.set_exception(PhoneError(f"connection closed: {error}"))
        self._waiters = []
