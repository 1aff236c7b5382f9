"""Prefill with provenance ("once-only"): the form engine's side of the prefill sources.

A field bound to a source (``prefill: identity.full_name``; the sources and their bindings are
``core.prefill``) arrives filled, labelled with where the value came from. A source that
``locks`` (the verified identity) has its values locked: the server puts them back whatever
the client sends (:func:`enforce_locked`). Other values stay editable; contact data the
citizen typed instead may be offered back to the profile after submission
(:func:`reusable_changes`).

A binding may be a rule that follows the answers: ``{from: identity.full_name, when:
{field: relationship, equals: mother}}`` fills the mother's name from the applicant's own
identity only while she says she is the mother (:func:`refresh_prefill` applies it as
answers change).

Sources are asked concurrently. One that calls another system and fails, or does not answer
within its ``timeout_seconds``, leaves its fields empty and editable and adds a notice; the
form never waits longer than the slowest timeout. Every outcome is reported
(:attr:`PrefillResult.outcomes`) so the dossier records which sources were used.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from citizen_app.core.forms.conditions import hidden_fields
from citizen_app.core.forms.identifiers import normalize_email, normalize_phone
from citizen_app.core.forms.schema import Condition, Field, FormSchema, PrefillRule
from citizen_app.core.i18n import NP_, Msg
from citizen_app.core.identity.profile_view import ProfileView
from citizen_app.core.prefill.registry import PrefillRegistry, prefill_sources, source_key
from citizen_app.core.prefill.source import PrefillRequest, PrefillSource

log = logging.getLogger(__name__)

# Profile data a citizen may want to reuse next time; identity data is the provider's to change, not ours.
REUSABLE_BINDINGS: tuple[str, ...] = ("contact.phone", "contact.email", "contact.current_address")

MSG_FILLED = NP_(
    "We filled in {count} answer for you. It shows where it came from. Check it.",
    "We filled in {count} answers for you. Each one shows where it came from. Check them.",
)

Status = Literal["used", "empty", "unavailable", "timeout"]
EMPTY_ANSWERS: tuple[Any, ...] = (None, "", {}, [])


@dataclass(frozen=True)
class SourceOutcome:
    """What one source did for this form: filled fields, had nothing, failed, or ran out of time."""

    key: str
    status: Status
    fields: tuple[str, ...] = ()
    # Where the source's record contradicts the verified identity (the identity won): shown to staff.
    conflicts: tuple[dict[str, Any], ...] = ()

    @property
    def failed(self) -> bool:
        return self.status in ("unavailable", "timeout")


@dataclass(frozen=True)
class PrefillResult:
    answers: dict[str, Any]
    # field id -> key of the source that filled it ("identity", "profile", …)
    provenance: dict[str, str]
    # fields whose source locks them (verified values)
    locked_fields: frozenset[str] = frozenset()
    # field id -> what to show next to it ("Verified by VNeID", "From your profile", …)
    labels: dict[str, Msg] = field(default_factory=dict)
    outcomes: tuple[SourceOutcome, ...] = ()
    notices: tuple[Msg, ...] = ()

    @property
    def filled_count(self) -> int:
        return len(self.provenance)

    @property
    def locked(self) -> frozenset[str]:
        return self.locked_fields

    @property
    def locked_values(self) -> dict[str, Any]:
        return {fid: self.answers[fid] for fid in self.locked_fields if fid in self.answers}

    @property
    def failed_fields(self) -> frozenset[str]:
        """Fields whose source did not answer this time: left as they were."""
        return frozenset(fid for outcome in self.outcomes if outcome.failed for fid in outcome.fields)

    def summary(self) -> Msg | None:
        """The line telling the citizen how many fields were filled for them."""
        return Msg.counted(MSG_FILLED, self.filled_count) if self.filled_count else None


def prefill(
    form: FormSchema,
    profile: ProfileView,
    *,
    answers: Mapping[str, Any] | None = None,
    registry: PrefillRegistry | None = None,
) -> PrefillResult:
    """Ask every source the form's bindings need, for the rules that hold on ``answers``."""
    registry = registry or prefill_sources()
    answers = answers or {}
    # (source key, whom it is about) -> the fields to fill: one question per source and person.
    asks: dict[tuple[str, Any], list[Field]] = {}
    for declared in form.prefilled_fields():
        rule = active_rule(form, declared, answers)
        if rule is None:
            continue
        # The field as its rule that holds now fills it (the first rule that holds: core.forms.schema).
        item = dataclasses.replace(declared, prefill=rule.binding, prefill_when=rule.when, prefill_about=rule.about)
        assert item.prefill is not None
        about = answers.get(item.prefill_about) if item.prefill_about else None
        if item.prefill_about and about in EMPTY_ANSWERS:
            continue  # nobody named yet: nothing to look up
        source = registry.source_of(item.prefill)
        asks.setdefault((source.key, _hashable(about)), []).append(item)

    requests = {
        ask: PrefillRequest(applicant=profile, answers=dict(answers), about=_about(fields[0], answers))
        for ask, fields in asks.items()
    }
    replies = _ask_all(registry, requests, asks)

    filled: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    locked: set[str] = set()
    labels: dict[str, Msg] = {}
    asked: dict[str, list[str]] = {}
    failures: dict[str, tuple[Status, list[str]]] = {}
    conflicts: dict[str, list[dict[str, Any]]] = {}
    for ask, fields in asks.items():
        key = ask[0]
        source = registry.source(key)
        assert source is not None
        status, values = replies[ask]
        asked.setdefault(key, []).extend(item.id for item in fields)
        if status != "used":
            failures.setdefault(key, (status, []))[1].extend(item.id for item in fields)
            continue
        conflicts.setdefault(key, []).extend(source.conflicts(requests[ask], values))
        for item in fields:
            assert item.prefill is not None
            value = values.get(item.prefill)
            if value in EMPTY_ANSWERS:
                continue
            if item.type in ("select", "radio") and value not in item.option_values:
                continue
            filled[item.id] = copy.deepcopy(value)
            provenance[item.id] = key
            labels[item.id] = source.label_for(profile)
            if source.locks:
                locked.add(item.id)

    outcomes = []
    for key in sorted(asked, key=lambda k: _order(registry, k)):
        if key in failures:
            # Its fields stay as they were (empty here; a draft keeps what it had).
            status, not_filled = failures[key]
            outcomes.append(SourceOutcome(key, status, tuple(not_filled)))
            continue
        filled_here = tuple(f for f in asked[key] if f in provenance)
        outcomes.append(
            SourceOutcome(key, "used" if filled_here else "empty", filled_here, tuple(conflicts.get(key, ())))
        )
    notices: list[Msg] = []
    for outcome in outcomes:
        failed_source = registry.source(outcome.key)
        if outcome.failed and failed_source is not None:
            notice = Msg(failed_source.unavailable)
            if notice.msgid not in (n.msgid for n in notices):
                notices.append(notice)
    return PrefillResult(
        answers=filled,
        provenance=provenance,
        locked_fields=frozenset(locked),
        labels=labels,
        outcomes=tuple(outcomes),
        notices=tuple(notices),
    )


@dataclass(frozen=True)
class Refreshed:
    """A draft's answers after asking the sources again (see :func:`refresh_prefill`)."""

    answers: dict[str, Any]
    provenance: dict[str, str]
    locked_values: dict[str, Any]
    outcomes: tuple[SourceOutcome, ...]
    notices: tuple[Msg, ...]


def refresh_prefill(
    form: FormSchema,
    answers: Mapping[str, Any],
    provenance: Mapping[str, str],
    locked_values: Mapping[str, Any],
    profile: ProfileView,
    *,
    registry: PrefillRegistry | None = None,
) -> Refreshed:
    """Ask the sources again for a draft in progress, and follow the answers given since.

    * A verified value is put back (the identity may have been refreshed at sign-in), even over
      what was typed: the verified identity wins.
    * An empty field is filled; an answer the citizen typed over an editable value is kept.
    * A field whose rule stopped holding (she now says she is not the mother) loses its lock and
      its label; a verified value it held is cleared, since it was only right under that rule.
    * A source that fails now changes nothing it filled before.
    """
    registry = registry or prefill_sources()
    fresh = prefill(form, profile, answers=answers, registry=registry)
    result = dict(answers)
    sources = {fid: source_key(key) for fid, key in provenance.items()}
    locked = dict(locked_values)
    failed = fresh.failed_fields
    for item in form.prefilled_fields():
        fid = item.id
        if fid in failed:
            continue
        # A verified value still as it was, under a rule that no longer holds (she said mother, now father).
        stale = fid in locked and fid not in fresh.locked_fields and result.get(fid) == locked[fid]
        if fid in fresh.provenance:
            if fid in fresh.locked_fields or result.get(fid) in EMPTY_ANSWERS or stale:
                result[fid] = fresh.answers[fid]
                sources[fid] = fresh.provenance[fid]
            if fid in fresh.locked_fields:
                locked[fid] = fresh.answers[fid]
            else:
                locked.pop(fid, None)
            continue
        was_locked = fid in locked
        rule = active_rule(form, item, answers)
        source = registry.source_of(rule.binding) if rule is not None else None
        if was_locked and not (source is not None and source.locks) and result.get(fid) == locked[fid]:
            result.pop(fid, None)
        if was_locked or rule is None:
            sources.pop(fid, None)
        locked.pop(fid, None)
    # Answers the form no longer has (a migration dropped them) carry no provenance.
    sources = {fid: key for fid, key in sources.items() if fid in result}
    return Refreshed(
        answers=result,
        provenance=sources,
        locked_values={fid: result[fid] for fid in locked if fid in result},
        outcomes=fresh.outcomes,
        notices=fresh.notices,
    )


def _holds(form: FormSchema, when: Condition | None, answers: Mapping[str, Any]) -> bool:
    if when is None:
        return True
    target = form.field(when.field)
    value = answers.get(when.field)
    if target is not None and target.type == "checkbox":
        value = bool(value)
    return when.holds(value)


def active_rule(form: FormSchema, item: Field, answers: Mapping[str, Any]) -> PrefillRule | None:
    """The first of the field's prefill rules whose condition holds on the answers (None: none does)."""
    rules = item.prefill_rules or (
        (PrefillRule(item.prefill, item.prefill_when, item.prefill_about),) if item.prefill else ()
    )
    return next((rule for rule in rules if _holds(form, rule.when, answers)), None)


def rule_holds(form: FormSchema, item: Field, answers: Mapping[str, Any]) -> bool:
    """A plain binding always holds; a rule holds while its condition does on the answers."""
    return active_rule(form, item, answers) is not None


def provenance_labels(
    provenance: Mapping[str, str], profile: ProfileView | None, *, registry: PrefillRegistry | None = None
) -> dict[str, Msg]:
    """What to show next to each prefilled answer of a stored draft."""
    registry = registry or prefill_sources()
    labels = {}
    for fid, key in provenance.items():
        label = registry.label(key, profile)
        if label is not None:
            labels[fid] = label
    return labels


def sources_record(
    outcomes: Sequence[SourceOutcome],
    provenance: Mapping[str, str],
    previous: Mapping[str, Any] | None,
    *,
    now: datetime,
) -> dict[str, Any]:
    """The dossier's record of sources: each one's last outcome and the answers it stands behind."""
    record: dict[str, Any] = {key: dict(value) for key, value in (previous or {}).items()}
    for outcome in outcomes:
        record[outcome.key] = {"status": outcome.status, "at": now.isoformat()}
        if outcome.conflicts:
            record[outcome.key]["conflicts"] = [dict(c) for c in outcome.conflicts]
    for key, entry in record.items():
        entry["fields"] = sorted(fid for fid, source in provenance.items() if source_key(source) == key)
    return record


def enforce_locked(
    answers: Mapping[str, Any], locked_values: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Put the verified values back; returns the answers and the ids the client tried to change."""
    result = dict(answers)
    tampered: list[str] = []
    for field_id, value in locked_values.items():
        if result.get(field_id) != value:
            tampered.append(field_id)
        result[field_id] = value
    return result, tampered


def reusable_changes(form: FormSchema, answers: Mapping[str, Any], profile: ProfileView) -> dict[str, Any]:
    """Newly typed contact data (binding → value) the citizen may choose to save to their profile.

    Only fields bound to ``contact.*`` count: an arbitrary phone field might be a
    witness's, not the citizen's own. Hidden fields, fields bound under a rule (they may be
    about someone else) and unchanged values are left out.
    """
    hidden = hidden_fields(form, answers)
    changes: dict[str, Any] = {}
    for item in form.prefilled_fields():
        if item.prefill not in REUSABLE_BINDINGS or item.id in hidden:
            continue
        if item.prefill_when is not None or item.prefill_about is not None:
            continue
        value = answers.get(item.id)
        if value in (None, "", {}):
            continue
        current = profile.lookup(item.prefill)
        if current is not None and _same(item.prefill, current.value, value):
            continue
        if item.prefill in changes:
            continue  # the first field bound to it in form order wins
        changes[item.prefill] = dict(value) if isinstance(value, Mapping) else value
    return changes


# --- running the sources ----------------------------------------------------------------------------

_executor_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="prefill")
        return _executor


Reply = tuple[Status, Mapping[str, Any]]


def _ask_all(
    registry: PrefillRegistry,
    requests: Mapping[tuple[str, Any], PrefillRequest],
    asks: Mapping[tuple[str, Any], list[Field]],
) -> dict[tuple[str, Any], Reply]:
    """Every question at once; each source gets its own time limit, counted from the start."""
    started = time.monotonic()
    pending: dict[tuple[str, Any], tuple[PrefillSource, Future[Mapping[str, Any]]]] = {}
    replies: dict[tuple[str, Any], Reply] = {}
    for ask, request in requests.items():
        source = registry.source(ask[0])
        assert source is not None
        bindings = list(dict.fromkeys(f.prefill for f in asks[ask] if f.prefill))
        if source.calls_out:
            pending[ask] = (source, _pool().submit(source.fetch, request, bindings))
        else:
            replies[ask] = _call(source, lambda s=source, r=request, b=bindings: s.fetch(r, b))
    for ask, (source, future) in pending.items():
        remaining = max(0.0, source.timeout_seconds - (time.monotonic() - started))
        try:
            replies[ask] = _checked(source, future.result(timeout=remaining))
        except FutureTimeout:
            future.cancel()
            log.warning("prefill source %s gave no answer within %.1f s", source.key, source.timeout_seconds)
            replies[ask] = ("timeout", {})
        except Exception as error:  # any failure of another system leaves its fields to type
            log.warning("prefill source %s failed: %s", source.key, type(error).__name__)
            replies[ask] = ("unavailable", {})
    return replies


def _call(source: PrefillSource, fetch: Any) -> Reply:
    try:
        return _checked(source, fetch())
    except Exception as error:  # as above
        log.warning("prefill source %s failed: %s", source.key, type(error).__name__)
        return "unavailable", {}


def _checked(source: PrefillSource, values: Any) -> Reply:
    if not isinstance(values, Mapping):
        log.warning("prefill source %s answered with %s, not a mapping", source.key, type(values).__name__)
        return "unavailable", {}
    return "used", values


def _about(item: Field, answers: Mapping[str, Any]) -> Any:
    return answers.get(item.prefill_about) if item.prefill_about else None


def _hashable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


def _order(registry: PrefillRegistry, key: str) -> tuple[int, str]:
    source = registry.source(key)
    return (source.order if source else 1000, key)


def _same(binding: str, old: Any, new: Any) -> bool:
    if binding == "contact.phone" and isinstance(old, str) and isinstance(new, str):
        return normalize_phone(old) == normalize_phone(new)
    if binding == "contact.email" and isinstance(old, str) and isinstance(new, str):
        return (normalize_email(old) or old).lower() == (normalize_email(new) or new).lower()
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return all(str(old.get(k, "")).strip() == str(new.get(k, "")).strip()
                   for k in ("province_code", "commune_code", "street"))
    return old == new
