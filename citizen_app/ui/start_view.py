"""View model of the apply-online start page: plain Python (no Reflex), so the wording is unit-tested.

What the service asks for (documents, fee, time online) comes from the catalogue; who may
start and where to apply in person instead come from the core (``core.identity.assurance``,
``core.dossiers.applying.counter_alternative``). Every text here is in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from citizen_app.core.catalog import Procedure
from citizen_app.core.catalog.labels import time_limit_label
from citizen_app.core.dossiers.applying import CounterAlternative
from citizen_app.core.dossiers.terms import ProcedureTerms
from citizen_app.core.i18n import N_, Msg, Translator
from citizen_app.ui.catalog_view import (
    FEE_AT_COUNTER,
    IF_IT_APPLIES,
    PARTIAL_GOES_TO,
    PARTIAL_MEANS,
    REQUIRED,
    TIME_NOT_STATED,
    DocumentRow,
    money,
    quantity,
    service_href,
)

ONLINE_TIME = N_("{time} after your application is received, not counting weekends and public holidays.")
ONLINE_CALENDAR_TIME = N_(
    "{time} after your application is received, weekends and public holidays included; if the last day is "
    "a day off, the next working day."
)
IN_PERSON_AT = N_(
    "Apply at the one-stop counter of {agency}. Bring the documents listed on this page: the officer "
    "checks them and gives you a receipt with an application code."
)
IN_PERSON_COMMUNE = N_(
    "Apply at the one-stop counter of the People's Committee of your commune or ward. Bring the documents "
    "listed on this page: the officer checks them and gives you a receipt with an application code."
)
IN_PERSON_PROVINCE = N_(
    "Apply at the Public Administration Service Centre of your province or city. Bring the documents "
    "listed on this page: the officer checks them and gives you a receipt with an application code."
)
# Where to go when the citizen's address is not known: the kind of office that receives this level.
AT_YOUR_OFFICE = {"commune": IN_PERSON_COMMUNE, "province": IN_PERSON_PROVINCE}
AT_THE_COUNTER = N_("At the counter: {fee}, {time}.")
AT_THE_COUNTER_FEE = N_("At the counter: {fee}.")


@dataclass
class StartPage:
    name: str = ""
    summary: str = ""
    agency: str = ""
    service_href: str = ""
    documents: list[DocumentRow] = field(default_factory=list)
    fee: str = ""
    time: str = ""
    # The generic partial-online form: what "partial" means and where the application goes.
    partial: str = ""


def online_time(terms: ProcedureTerms, t: Translator) -> str:
    limit = terms.time_for("online")
    if not limit.stated:
        return t.gettext(TIME_NOT_STATED)
    template = ONLINE_CALENDAR_TIME if limit.unit == "calendar" and limit.days else ONLINE_TIME
    return t.render(Msg(template, {"time": t.render(time_limit_label(limit.days, limit.unit))}))


def start_page(procedure: Procedure, terms: ProcedureTerms, t: Translator) -> StartPage:
    generic = procedure.generic_form
    return StartPage(
        name=t.pick(procedure.name),
        summary=t.pick(procedure.summary) if procedure.summary else "",
        agency=t.pick(procedure.agency) if procedure.agency else "",
        service_href=service_href(t.locale, procedure.code),
        documents=[
            DocumentRow(
                name=t.pick(d.name),
                quantity=quantity(d.originals, d.copies, t),
                required=d.required,
                requirement=t.gettext(REQUIRED if d.required else IF_IT_APPLIES),
                note=t.pick(d.note) if d.note else "",
            )
            for d in procedure.documents
        ],
        fee=money(terms.fee_for("online"), t) if terms.fee_stated else t.gettext(FEE_AT_COUNTER),
        time=online_time(terms, t),
        partial=(
            f"{t.gettext(PARTIAL_MEANS)} {t.gettext(PARTIAL_GOES_TO.get(terms.level, PARTIAL_GOES_TO['province']))}"
            if generic
            else ""
        ),
    )


def in_person(alternative: CounterAlternative, t: Translator) -> tuple[str, str]:
    """(where to apply in person, what it costs and takes there)."""
    if alternative.agency is not None:
        where = t.render(Msg(IN_PERSON_AT, {"agency": t.pick(alternative.agency)}))
    else:
        where = t.gettext(AT_YOUR_OFFICE.get(alternative.level, IN_PERSON_PROVINCE))
    fee = t.gettext(FEE_AT_COUNTER) if alternative.fee_vnd is None else money(alternative.fee_vnd, t)
    if alternative.working_days is None:
        return where, t.render(Msg(AT_THE_COUNTER_FEE, {"fee": fee}))
    time = t.render(time_limit_label(alternative.working_days, alternative.day_unit))
    return where, t.render(Msg(AT_THE_COUNTER, {"fee": fee, "time": time}))
