"""The dossier's statuses and what each one means, in ONE table.

Every fact about a status that more than one place needs is read from :data:`STATUS_TABLE`:
its label, the tone a tag is drawn in, whether nothing more happens to it (terminal),
whether the agency still owes work on it (overdue counts against the agency), whether the
result is the citizen's to download, and how the dashboard counts it. Lists such as
:data:`TERMINAL` or the SQL of the partial indexes are derived from it, never written out.

The steps between statuses (who may take them) are the lifecycle's table,
``core.dossiers.lifecycle.TRANSITIONS``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from citizen_app.core.i18n import N_, Msg

Status = Literal[
    "draft",
    "awaiting_payment",
    "submitted",
    "received",
    "processing",
    "supplement_requested",
    "approved",
    "result_ready",
    "returned",
    "rejected",
    "withdrawn",
    # Life events (issue 12): linked applications.
    "linked",
    "waiting",
    "stopped",
]
# How a tag is drawn: waiting on the citizen (warning), done well (success), done badly (error).
Tone = Literal["neutral", "info", "warning", "success", "error"]
# How indicators count a dossier: not yet sent, being worked on, finished with a result or a refusal,
# or stopped by the citizen (neither on time nor late).
DashboardBucket = Literal["unsent", "open", "resolved", "stopped"]


@dataclass(frozen=True)
class StatusFacts:
    key: str
    label: str  # message id (English source text), rendered in the reader's language
    tone: Tone
    terminal: bool = False
    agency_owes: bool = False
    result_visible: bool = False
    dashboard: DashboardBucket = "open"

    @property
    def in_progress(self) -> bool:
        """Sent and not finished: the "in progress" lists."""
        return self.dashboard == "open"

    @property
    def tag_class(self) -> str:
        """The CSS class of a tag in this tone (``assets/css/app.css``)."""
        return "tag" if self.tone == "info" else f"tag tag-{self.tone}"


STATUS_TABLE: Mapping[str, StatusFacts] = {
    facts.key: facts
    for facts in (
        StatusFacts("draft", N_("Draft"), "neutral", dashboard="unsent"),
        # Issue 11: sent with a fee to pay online; the agency's clock starts when it is paid.
        StatusFacts("awaiting_payment", N_("Awaiting payment"), "warning"),
        StatusFacts("submitted", N_("Submitted"), "info", agency_owes=True),
        StatusFacts("received", N_("Received"), "info", agency_owes=True),
        StatusFacts("processing", N_("Being processed"), "info", agency_owes=True),
        # Handed back to the citizen: the agency's clock does not run against it.
        StatusFacts("supplement_requested", N_("More information needed"), "warning"),
        StatusFacts("approved", N_("Approved"), "success", agency_owes=True),
        StatusFacts("result_ready", N_("Result ready"), "success", result_visible=True, dashboard="resolved"),
        StatusFacts(
            "returned", N_("Result returned"), "success", terminal=True, result_visible=True, dashboard="resolved"
        ),
        StatusFacts("rejected", N_("Rejected"), "error", terminal=True, dashboard="resolved"),
        StatusFacts("withdrawn", N_("Withdrawn"), "neutral", terminal=True, dashboard="stopped"),
        # --- life events (issue 12): one application for linked procedures (core/dossiers/chain.py) ---
        # The umbrella: what the citizen sent; its parts are the component dossiers. No agency works on it
        # (its components are counted), so it is in no queue and no indicator; nothing moves it (terminal).
        StatusFacts("linked", N_("Sent as linked parts"), "info", terminal=True, dashboard="unsent"),
        # A component whose turn has not come: the part before it is not approved yet.
        StatusFacts("waiting", N_("Waiting for the previous part"), "neutral", dashboard="unsent"),
        # A component that will not be handled: a part before it was rejected.
        StatusFacts("stopped", N_("Stopped: a previous part was rejected"), "error", terminal=True, dashboard="unsent"),
    )
}

STATUSES: tuple[Status, ...] = tuple(STATUS_TABLE)  # type: ignore[assignment]
TERMINAL: frozenset[str] = frozenset(k for k, f in STATUS_TABLE.items() if f.terminal)
AGENCY_OWES: frozenset[str] = frozenset(k for k, f in STATUS_TABLE.items() if f.agency_owes)
IN_PROGRESS: frozenset[str] = frozenset(k for k, f in STATUS_TABLE.items() if f.in_progress)
RESULT_VISIBLE: frozenset[str] = frozenset(k for k, f in STATUS_TABLE.items() if f.result_visible)
RESOLVED: frozenset[str] = frozenset(k for k, f in STATUS_TABLE.items() if f.dashboard == "resolved")
# Everything the agency still has to do something about (a queue's "open" filter), in table order.
OPEN: tuple[str, ...] = tuple(k for k, f in STATUS_TABLE.items() if f.dashboard != "unsent" and not f.terminal)
# Not (or not yet) an agency's to handle: drafts, umbrellas of linked applications, parts waiting their turn.
NOT_FOR_AGENCY: frozenset[str] = frozenset(k for k, f in STATUS_TABLE.items() if f.dashboard == "unsent")


def facts(status: str) -> StatusFacts:
    """The facts of a status; an unknown one (an old row) reads as a neutral tag with its raw key."""
    return STATUS_TABLE.get(status) or StatusFacts(status, status, "neutral")


def status_label(status: str) -> Msg:
    return Msg(facts(status).label)


def tag_class(status: str) -> str:
    return facts(status).tag_class


def status_in_sql(statuses: Iterable[str]) -> str:
    """``status IN ('a', 'b')`` for a partial index, sorted so the text is stable across runs."""
    keys = sorted(statuses)
    unknown = [k for k in keys if k not in STATUS_TABLE]
    if unknown:
        raise ValueError(f"unknown statuses {unknown}")
    return "status IN (" + ", ".join(f"'{k}'" for k in keys) + ")"
