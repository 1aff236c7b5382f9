"""Prometheus metrics (prometheus-client), served at /metrics by web/ops.py.

Per process: HTTP requests, websocket events (by handler) and their latency, job attempts.
With several workers ``PROMETHEUS_MULTIPROC_DIR`` is set (rxconfig.py, ``make prod``) and
prometheus-client adds every process's files up at scrape time. Read from the database at
scrape time, so the same on every worker: jobs by status, and dossiers by status (the
``dashboard.rollup`` job's table, a few rows, not a count over every dossier).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from citizen_app.core import jobs
from citizen_app.core.jobs import queue as job_queue
from citizen_app.core.jobs.rollups import status_counts
from citizen_app.db.engine import unit_of_work

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

http_requests = Counter("citizen_http_requests_total", "HTTP requests", ["area", "method", "status"])
http_latency = Histogram("citizen_http_request_seconds", "HTTP request latency", ["area"], buckets=LATENCY_BUCKETS)
ws_events = Counter("citizen_ws_events_total", "Websocket events processed", ["handler", "outcome"])
ws_latency = Histogram(
    "citizen_ws_event_seconds", "Websocket event processing time", ["handler"], buckets=LATENCY_BUCKETS
)
job_attempts = Counter("citizen_job_attempts_total", "Job attempts by task and outcome", ["task", "outcome"])
job_failures = Counter("citizen_job_failures_total", "Job attempts that failed (retry or given up)", ["task"])
job_latency = Histogram("citizen_job_seconds", "Job run time", ["task"], buckets=LATENCY_BUCKETS)


def _observe_job(task: str, outcome: str, seconds: float) -> None:
    job_attempts.labels(task, outcome).inc()
    if outcome in ("retry", "failed"):
        job_failures.labels(task).inc()
    job_latency.labels(task).observe(seconds)


def watch_jobs() -> None:
    if _observe_job not in job_queue.observers:
        job_queue.observers.append(_observe_job)


class DatabaseCollector(Collector):
    """Queue depth and dossiers by status, read when Prometheus scrapes."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            with unit_of_work() as db:
                depth = jobs.depth(db)
                dossiers = status_counts(db)
        except Exception:
            log.exception("metrics: the database did not answer")
            return
        queue = GaugeMetricFamily("citizen_jobs", "Jobs in the queue by status", labels=["status"])
        for status, count in depth.items():
            queue.add_metric([status], count)
        yield queue
        by_state = GaugeMetricFamily("citizen_dossiers", "Dossiers by status (last roll-up)", labels=["status"])
        for status, count in sorted(dossiers.items()):
            by_state.add_metric([status], count)
        yield by_state


_database_collector = DatabaseCollector()


def render_latest() -> tuple[bytes, str]:
    """The exposition text: every worker's counters (multiprocess mode) or this process's, plus the database's."""
    from prometheus_client import CONTENT_TYPE_LATEST

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_database_collector)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    if _database_collector not in REGISTRY._collector_to_names:
        REGISTRY.register(_database_collector)
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def short_handler_name(event_name: str) -> str:
    """``reflex___state____state.citizen_app___states___catalog____search_state.search`` → ``search_state.search``."""
    parts = event_name.split(".")
    state = parts[-2].rsplit("____", 1)[-1] if len(parts) >= 2 else ""
    return f"{state}.{parts[-1]}" if state else parts[-1]


def instrument_reflex_events() -> None:
    """Time every websocket event Reflex processes (the processor's one entry point for an event)."""
    from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor

    original = BaseStateEventProcessor._execute_event
    if getattr(original, "_citizen_metrics", False):
        return

    async def timed(self: Any, *, entry: Any, registered_handler: Any) -> None:
        started = time.perf_counter()
        handler = short_handler_name(getattr(entry.event, "name", "?"))
        outcome = "ok"
        try:
            await original(self, entry=entry, registered_handler=registered_handler)
        except BaseException:
            outcome = "error"
            raise
        finally:
            ws_events.labels(handler, outcome).inc()
            ws_latency.labels(handler).observe(time.perf_counter() - started)

    timed._citizen_metrics = True  # type: ignore[attr-defined]
    BaseStateEventProcessor._execute_event = timed  # type: ignore[method-assign]
