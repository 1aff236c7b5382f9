"""Event handlers run off the event loop.

Reflex 0.10.1 awaits an ``async def`` handler, but calls a plain ``def`` handler directly on the event loop
(``reflex_base/event/processor/base_state_processor.py``, ``process_event``: ``events = fn(state, **payload)``).
Our handlers are plain functions that call the core, and the core talks to the database: one slow query
would stop every phone served by that worker until it returned.

:func:`run_handlers_in_threads` makes every plain handler of our states run on a thread pool instead
(``EVENT_THREADS`` threads per worker). This is safe because Reflex holds the tab's state lock for the
whole of a (non-background) handler: no other event of that tab touches the state meanwhile, so moving the
call to a thread changes only *where* it runs. Generator handlers step on the pool too, each ``yield``
going back to the loop so Reflex can send the intermediate update. Async handlers (uploads) hand their
blocking work (image re-encoding, database writes) to :func:`off_loop` themselves.

Reflex's own handlers (hydrate, setters) stay on the loop: they touch no database and a thread hop would
only cost time.

SQLite: a serving process waits at most ``SQLITE_BUSY_SECONDS`` (5 s) for a write lock instead of 30 s
(``db/engine.py``); when that passes, the handler's transaction has rolled back and the tab is told the
service is busy (``AppState.server_busy``, shown by the page shell), so the person can simply try again.
"""

from __future__ import annotations

import asyncio
import contextvars
import dataclasses
import functools
import inspect
import logging
import time
from collections.abc import AsyncIterator, Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from citizen_app.settings import get_settings

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

_pool: ThreadPoolExecutor | None = None
_threaded_handlers: dict[Callable[..., Any], Any] = {}


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=get_settings().event_threads, thread_name_prefix="event")
    return _pool


async def off_loop(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``await off_loop(core_call, ...)``: run a blocking call on the event thread pool, keeping context vars."""
    context = contextvars.copy_context()
    call = functools.partial(context.run, fn, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_executor(), call)


def _handler_name(fn: Callable[..., Any]) -> str:
    """``search_state.search``: the state's Reflex name and the handler, as metrics and logs name it."""
    qualname = fn.__qualname__.split(".")
    cls_name = qualname[-2] if len(qualname) >= 2 else ""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in cls_name).lstrip("_")
    return f"{snake}.{fn.__name__}" if snake else fn.__name__


def _test_delay(name: str) -> float:
    """A deliberate delay from TEST_SLOW_EVENTS (tests only), spent on the worker thread like a slow query."""
    return dict(get_settings().test_slow_events).get(name, 0.0)


def is_database_busy(error: BaseException) -> bool:
    """SQLite gave up waiting for the write lock (after the serving busy timeout)."""
    from sqlalchemy.exc import OperationalError

    return isinstance(error, OperationalError) and "database is locked" in str(error)


def _mark_busy(state: Any, busy: bool) -> None:
    # AppState.server_busy: the shell says "busy, please try again" until the next event goes through.
    if getattr(state, "server_busy", None) is not None and state.server_busy != busy:
        state.server_busy = busy


def _threaded(fn: Callable[..., Any]) -> Callable[..., Any]:
    name = _handler_name(fn)

    def call(state: Any, payload: dict[str, Any]) -> Any:
        delay = _test_delay(name)
        if delay:
            time.sleep(delay)
        try:
            result = fn(state, **payload)
        except Exception as error:
            if not is_database_busy(error):
                raise
            log.warning(
                "database busy: %s gave up waiting for the write lock; the tab is asked to retry", name
            )
            _mark_busy(state, True)
            return None
        _mark_busy(state, False)
        return result

    @functools.wraps(fn)
    async def run(state: Any, **payload: Any) -> Any:
        context = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(_executor(), context.run, call, state, payload)
        if inspect.isgenerator(result):
            return _step_on_threads(result, context)
        return result

    return run


async def _step_on_threads(
    generator: Generator[Any, None, Any], context: contextvars.Context
) -> AsyncIterator[Any]:
    """A sync generator handler stepped on the pool; each yielded update goes back to Reflex on the loop."""
    loop = asyncio.get_running_loop()

    def step() -> tuple[bool, Any]:
        # StopIteration cannot cross a Future, so the end is returned as a flag.
        try:
            return False, next(generator)
        except StopIteration as stop:
            return True, stop.value

    while True:
        finished, value = await loop.run_in_executor(_executor(), context.run, step)
        if finished:
            if value is not None:
                yield value
            return
        yield value


def _ours(fn: Callable[..., Any]) -> bool:
    return getattr(fn, "__module__", "").startswith("citizen_app.")


def threaded_handler(handler: Any) -> Any:
    """The same Reflex EventHandler with its plain function run on the pool (made once per handler)."""
    threaded = _threaded_handlers.get(handler.fn)
    if threaded is None:
        threaded = dataclasses.replace(handler, fn=_threaded(handler.fn))
        # Payload conversion reads the original's resolved type hints (cached_property on a frozen dataclass).
        threaded.__dict__["_type_hints"] = handler._type_hints
        _threaded_handlers[handler.fn] = threaded
    return threaded


def run_handlers_in_threads() -> None:
    """Install the thread pool under Reflex's ``process_event`` (once per process)."""
    from reflex_base.event.processor import base_state_processor

    original = base_state_processor.process_event
    if getattr(original, "_citizen_threads", False):
        return

    async def process_event(handler: Any, payload: dict, state: Any, root_state: Any) -> None:
        if not handler._is_coroutine_function and _ours(handler.fn):
            handler = threaded_handler(handler)
        await original(handler=handler, payload=payload, state=state, root_state=root_state)

    process_event._citizen_threads = True  # type: ignore[attr-defined]
    # Callers in that module look the name up at call time, so every path (events, on_load, rehydrate) is covered.
    base_state_processor.process_event = process_event  # type: ignore[assignment]
