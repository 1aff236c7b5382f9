"""What staff can do to a dossier, each action declared ONCE in :data:`STAFF_ACTIONS`.

An action says everything the rest of the code needs to know about it: the statuses it may be
taken from and the one it leads to, who may take it, whether a note is required, whether the
desk asks for confirmation first, what the desk asks for (nothing, a reason, the supplement
form, a new date), what must be on record before it (a result), and its wording: the button,
the notice once done, the line in the staff's and in the citizen's history, the audit log's name.

Everything else is derived from this table: the lifecycle's transitions
(``lifecycle.TRANSITIONS``), the actions the desk offers (``staff_desk.desk_view``), the desk
page's buttons and forms, the timeline and audit wording. Adding an action is one entry here
(plus its messages and tests): see ``docs/architecture.md``, "Adding a staff action".

The facts of a status itself (label, tone, terminal…) are the status table's (``core.statuses``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from citizen_app.core.i18n import N_, Msg
from citizen_app.core.statuses import IN_PROGRESS, STATUS_TABLE

STAFF: frozenset[str] = frozenset({"counter_officer", "supervisor"})
# Steps the system may also take on its own (an integration that receives or returns automatically).
STAFF_OR_SYSTEM: frozenset[str] = STAFF | {"system"}

NoteRule = Literal["none", "optional", "required"]
# What the desk asks for before the action: nothing (a button), a reason, the supplement form, a new date.
DeskInput = Literal["none", "reason", "supplement", "delay", "route"]
# What must be on record before the action (checked by ``lifecycle.REQUIREMENTS``).
Requirement = Literal["result"]
Emphasis = Literal["primary", "secondary", "warning"]
Audience = Literal["staff", "citizen"]

MSG_REASON_REQUIRED = N_("Give a reason: the applicant will see it")


@dataclass(frozen=True)
class StaffAction:
    key: str  # the verb: DossierEvent.action and the audit trail's "dossier.<key>"
    sources: tuple[str, ...]  # statuses it may be taken from
    target: str | None  # the status it leads to; None: the status stays (a delay)
    button: str  # message ids from here on, rendered in the reader's language
    done: str
    staff_timeline: str
    audit: str
    citizen_timeline: str = ""  # "": the citizen's history reads as the staff's
    roles: frozenset[str] = STAFF
    note: NoteRule = "optional"
    confirm: str | None = None  # the question asked before it is done; None: done at once
    confirm_button: str | None = None
    input: DeskInput = "none"
    # An action with a form: the heading that opens it, and the name its controls' test ids start with.
    form_title: str | None = None
    form_id: str | None = None
    requires: tuple[Requirement, ...] = ()
    emphasis: Emphasis = "primary"
    # A step carrying data goes through its own core function, never the plain ``lifecycle.perform``.
    via: str | None = None

    def __post_init__(self) -> None:
        if not self.citizen_timeline:
            object.__setattr__(self, "citizen_timeline", self.staff_timeline)

    @property
    def testid(self) -> str:
        """``staff-action-<this>``: the status it leads to (stable across renames of the verb), else the verb."""
        return self.target or self.key

    @property
    def changes_status(self) -> bool:
        return self.target is not None


def _in_progress() -> tuple[str, ...]:
    return tuple(key for key in STATUS_TABLE if key in IN_PROGRESS)


# One refusal per stage: "refused at reception" before the agency has accepted it, "rejected" after.
# The desk asks the same of both and the citizen reads "Rejected" at either stage; only the staff's words differ.
_REJECT = StaffAction(
    "reject", ("received", "processing", "supplement_requested"), "rejected",
    button=N_("Reject"),
    done=N_("Rejected. The applicant will see your reason."),
    staff_timeline=N_("Rejected"),
    audit=N_("Rejected"),
    note="required",
    confirm=N_("Reject this application? The applicant will see your reason."),
    confirm_button=N_("Yes, reject"),
    input="reason",
    form_title=N_("Reject the application"),
    form_id="reject",
    emphasis="warning",
)
_REFUSE = replace(
    _REJECT, key="refuse", sources=("submitted",),
    staff_timeline=N_("Refused at reception"), audit=N_("Refused at reception"),
)


# In the order the desk shows them: the step forward first, then the side roads, then the way out.
STAFF_ACTIONS: tuple[StaffAction, ...] = (
    StaffAction(
        "receive", ("submitted",), "received",
        button=N_("Receive"),
        done=N_("Received. The applicant has been told."),
        staff_timeline=N_("Received by the agency"),
        audit=N_("Received"),
        roles=STAFF_OR_SYSTEM,
    ),
    StaffAction(
        "start_processing", ("received",), "processing",
        button=N_("Start processing"),
        done=N_("Processing started."),
        staff_timeline=N_("Processing started"),
        audit=N_("Started processing"),
        roles=STAFF_OR_SYSTEM,
    ),
    StaffAction(
        "approve", ("processing",), "approved",
        button=N_("Approve"),
        done=N_("Approved. Attach the result document, then mark the result ready."),
        staff_timeline=N_("Approved"),
        audit=N_("Approved"),
        confirm=N_("Approve this application? The applicant will be told."),
        confirm_button=N_("Yes, approve"),
    ),
    StaffAction(
        "result_ready", ("approved",), "result_ready",
        button=N_("Mark the result ready"),
        done=N_("The result is ready. The applicant has been told."),
        staff_timeline=N_("Result ready"),
        citizen_timeline=N_("Result ready to collect"),
        audit=N_("Marked the result ready"),
        roles=STAFF_OR_SYSTEM,
        confirm=N_("Mark the result ready? The applicant will be told how to get it."),
        confirm_button=N_("Yes, the result is ready"),
        requires=("result",),
    ),
    StaffAction(
        "return", ("result_ready",), "returned",
        button=N_("Mark the result handed over"),
        done=N_("The result has been handed over."),
        staff_timeline=N_("Result handed over"),
        citizen_timeline=N_("Result returned"),
        audit=N_("Handed the result over"),
        roles=STAFF_OR_SYSTEM,
        emphasis="secondary",
    ),
    StaffAction(
        "request_supplement", ("received", "processing"), "supplement_requested",
        button=N_("Send the request"),
        done=N_("More information requested. The applicant has been told what to supply."),
        staff_timeline=N_("More information requested"),
        audit=N_("Requested more information"),
        note="required",
        input="supplement",
        form_title=N_("Request more information"),
        form_id="supplement",
        via="request_supplement",
    ),
    StaffAction(
        "delay", _in_progress(), None,
        button=N_("Set the new date"),
        done=N_("The new appointment is set and the applicant has been told."),
        staff_timeline=N_("Appointment moved, with an apology"),
        citizen_timeline=N_("Result date moved"),
        audit=N_("Moved an appointment"),
        note="required",
        input="delay",
        form_title=N_("Move the appointment (delay)"),
        form_id="delay",
        via="delay",
    ),
    # Issue 12: received here, handled by the competent unit of the province (core/dossiers/routing.py).
    StaffAction(
        "route", ("submitted", "received"), None,
        button=N_("Send to this unit"),
        done=N_("Sent to the competent unit. It is in their queue now, no longer in yours."),
        staff_timeline=N_("Handed over to the competent unit"),
        citizen_timeline=N_("Passed to the unit that handles it"),
        audit=N_("Handed an application over to another unit"),
        input="route",
        form_title=N_("Send to the competent unit"),
        form_id="route",
        emphasis="secondary",
        via="route",
    ),
    _REFUSE,
    _REJECT,
)

BY_KEY: Mapping[str, StaffAction] = {action.key: action for action in STAFF_ACTIONS}


def _timeline(staff: str, citizen: str = "") -> tuple[str, str]:
    """An event's line in the staff's and in the citizen's history; the citizen's reads as the staff's unless given."""
    return staff, citizen or staff


# Events that are not staff actions (the citizen's own steps, the form engine's), as each audience reads them.
OTHER_EVENTS: Mapping[str, tuple[str, str]] = {
    "start": _timeline(N_("Application started")),
    "migrate_form": _timeline(N_("Answers moved to the updated form")),
    "submit": _timeline(N_("Application sent")),
    "supply": _timeline(N_("More information supplied"), N_("Information supplied")),
    "withdraw": _timeline(N_("Withdrawn by the applicant"), N_("Withdrawn")),
    "pay": _timeline(N_("Fee paid")),  # issue 11: out of "awaiting payment"
    # Linked applications (issue 12, core/dossiers/chain.py).
    "chain_start": _timeline(N_("Sent as linked parts")),
    "chain_wait": _timeline(N_("Waiting for the previous part")),
    "chain_next": _timeline(N_("Previous part approved: this part has started")),
    "chain_stop": _timeline(N_("Stopped: a previous part was rejected")),
}

def action(key: str) -> StaffAction | None:
    return BY_KEY.get(key)


def note_problem(declared: StaffAction, note: str | None) -> Msg | None:
    """What is wrong with the note before the action is even confirmed: a required one left blank."""
    if declared.note == "required" and not (note or "").strip():
        return Msg(MSG_REASON_REQUIRED)
    return None


def available_from(status: str, role: str) -> tuple[StaffAction, ...]:
    """The actions the table allows from ``status`` to ``role`` (access to the dossier is checked elsewhere)."""
    return tuple(a for a in STAFF_ACTIONS if status in a.sources and role in a.roles)


def event_wording(event_action: str, audience: Audience) -> str | None:
    """The message id of an event (``DossierEvent.action``) in a history read by staff or by the citizen."""
    declared = BY_KEY.get(event_action)
    if declared is not None:
        return declared.staff_timeline if audience == "staff" else declared.citizen_timeline
    other = OTHER_EVENTS.get(event_action)
    if other is not None:
        return other[0] if audience == "staff" else other[1]
    return None


def audit_wording(audit_action: str) -> str | None:
    """The audit log's name for ``dossier.<verb>`` of a staff action."""
    verb = audit_action.removeprefix("dossier.")
    declared = BY_KEY.get(verb) if audit_action.startswith("dossier.") else None
    return declared.audit if declared is not None else None


__all__ = [
    "BY_KEY",
    "OTHER_EVENTS",
    "STAFF",
    "STAFF_ACTIONS",
    "STAFF_OR_SYSTEM",
    "DeskInput",
    "NoteRule",
    "Requirement",
    "StaffAction",
    "action",
    "audit_wording",
    "available_from",
    "event_wording",
    "note_problem",
]
