"""The staff actions are declared once: the lifecycle, the desk and the wording all agree with the declarations."""

from __future__ import annotations

import pytest

from citizen_app.core import statuses
from citizen_app.core.dossiers import TRANSITIONS
from citizen_app.core.dossiers.actions import (
    BY_KEY,
    MSG_REASON_REQUIRED,
    OTHER_EVENTS,
    STAFF_ACTIONS,
    audit_wording,
    available_from,
    event_wording,
    note_problem,
)
from citizen_app.core.dossiers.lifecycle import CITIZEN_STEPS, DELAY_ROLES, DELAYABLE, REQUIREMENTS
from citizen_app.core.i18n import get_translator


def test_every_action_moves_between_statuses_of_the_table() -> None:
    for action in STAFF_ACTIONS:
        assert action.sources, action.key
        for source in action.sources:
            assert source in statuses.STATUS_TABLE and not statuses.facts(source).terminal, (action.key, source)
        assert action.target is None or action.target in statuses.STATUS_TABLE, action.key


def test_the_lifecycle_table_is_the_declarations_plus_the_citizens_own_steps() -> None:
    from_actions = {
        (source, action.target): action for action in STAFF_ACTIONS if action.target for source in action.sources
    }
    assert len(from_actions) == sum(len(a.sources) for a in STAFF_ACTIONS if a.target), "one step per pair"
    assert set(TRANSITIONS) == set(from_actions) | {pair for pair, _step in CITIZEN_STEPS}
    for pair, action in from_actions.items():
        step = TRANSITIONS[pair]
        assert (step.action, step.roles, step.note, step.via, step.requires) == (
            action.key, action.roles, action.note, action.via, action.requires
        )
    # The delay is not a status change: its rule comes from its declaration, and from the status table.
    assert DELAYABLE == frozenset(BY_KEY["delay"].sources) == statuses.IN_PROGRESS
    assert BY_KEY["delay"].roles == DELAY_ROLES


def test_what_the_issue_asks_to_confirm_is_confirmed() -> None:
    confirmed = {a.key for a in STAFF_ACTIONS if a.confirm}
    assert confirmed >= {"approve", "refuse", "reject", "result_ready"}
    for action in STAFF_ACTIONS:
        assert (action.confirm is None) == (action.confirm_button is None), action.key


def test_result_ready_requires_a_result_and_every_requirement_has_a_check() -> None:
    assert BY_KEY["result_ready"].requires == ("result",)
    assert {r for a in STAFF_ACTIONS for r in a.requires} <= set(REQUIREMENTS)


def test_a_required_note_has_a_place_to_be_written() -> None:
    for action in STAFF_ACTIONS:
        if action.note == "required":
            assert action.input in ("reason", "supplement", "delay"), action.key
    assert note_problem(BY_KEY["reject"], "  ") is not None
    assert note_problem(BY_KEY["reject"], "  ").msgid == MSG_REASON_REQUIRED  # type: ignore[union-attr]
    assert note_problem(BY_KEY["reject"], "Sai thẩm quyền") is None
    assert note_problem(BY_KEY["approve"], "") is None


@pytest.mark.parametrize("status", list(statuses.STATUS_TABLE))
def test_at_any_status_the_desk_shows_each_control_once(status: str) -> None:
    offered = available_from(status, "counter_officer")
    testids = [a.testid for a in offered]
    assert len(testids) == len(set(testids)), (status, testids)
    assert not offered or not statuses.facts(status).terminal


def test_every_recorded_event_has_wording_for_staff_and_for_the_citizen() -> None:
    recorded = {step.action for step in TRANSITIONS.values()} | {"delay"}
    for verb in recorded | set(OTHER_EVENTS):
        assert event_wording(verb, "staff") and event_wording(verb, "citizen"), verb
    assert event_wording("something_new", "staff") is None
    assert audit_wording("dossier.receive") == "Received"
    assert audit_wording("dossier.submit") is None and audit_wording("receive") is None


def test_every_message_of_every_action_is_translated() -> None:
    vi, en = get_translator("vi"), get_translator("en")
    for action in STAFF_ACTIONS:
        texts = [action.button, action.done, action.staff_timeline, action.citizen_timeline, action.audit]
        texts += [t for t in (action.confirm, action.confirm_button) if t]
        for msgid in texts:
            assert en.gettext(msgid) == msgid, msgid
            assert vi.gettext(msgid) != msgid, f"{action.key}: {msgid!r} has no Vietnamese translation"


def test_the_citizen_reads_the_staffs_line_unless_the_table_gives_another() -> None:
    assert event_wording("receive", "citizen") == event_wording("receive", "staff") == "Received by the agency"
    assert event_wording("result_ready", "staff") == "Result ready"
    assert event_wording("result_ready", "citizen") == "Result ready to collect"
    assert event_wording("submit", "citizen") == event_wording("submit", "staff") == "Application sent"
    assert event_wording("withdraw", "staff") == "Withdrawn by the applicant"
    assert event_wording("withdraw", "citizen") == "Withdrawn"


def test_both_refusals_ask_the_same_at_the_desk_and_read_rejected_to_the_citizen() -> None:
    refuse, reject = BY_KEY["refuse"], BY_KEY["reject"]
    assert refuse.sources == ("submitted",) and "submitted" not in reject.sources
    assert refuse.staff_timeline == refuse.audit == "Refused at reception"
    assert refuse.citizen_timeline == reject.citizen_timeline == reject.staff_timeline == "Rejected"
    for same in ("button", "done", "note", "confirm", "confirm_button", "input", "form_title", "form_id", "emphasis"):
        assert getattr(refuse, same) == getattr(reject, same), same
    assert [a.key for a in STAFF_ACTIONS][-2:] == ["refuse", "reject"]
