"""Names of the catalogue's coded values (levels, channels…) as messages for the reader's language.

Catalogue *content* is bilingual in the YAML; these are the fixed words around it, so they
are gettext messages (both .po files) rendered with ``Translator.render``.
"""

from __future__ import annotations

from citizen_app.core.i18n import N_, NP_, Msg

LEVEL_LABELS: dict[str, str] = {
    "commune": N_("Commune level"),
    "province": N_("Province level"),
    "ministry": N_("Ministry level"),
    "other": N_("Other agency"),
}
ONLINE_LEVEL_LABELS: dict[str, str] = {
    "full": N_("Full online service"),
    "partial": N_("Partial online service"),
}
CHANNEL_LABELS: dict[str, str] = {
    "online": N_("Online"),
    "counter": N_("At the counter"),
    "post": N_("By post"),
}
INFORMATION_ONLY = N_("Information only: apply at the agency")
SAME_DAY = N_("Same day")
WORKING_DAYS = NP_("{count} working day", "{count} working days")
CALENDAR_DAYS = NP_("{count} calendar day", "{count} calendar days")
DAYS_BY_UNIT = {"working": WORKING_DAYS, "calendar": CALENDAR_DAYS}
FREE = N_("Free")


def level_label(level: str) -> Msg:
    return Msg(LEVEL_LABELS.get(level, LEVEL_LABELS["other"]))


def online_level_label(online_level: str | None) -> Msg | None:
    return Msg(ONLINE_LEVEL_LABELS[online_level]) if online_level in ONLINE_LEVEL_LABELS else None


def channel_label(channel: str) -> Msg:
    return Msg(CHANNEL_LABELS.get(channel, channel))


def information_only_label() -> Msg:
    return Msg(INFORMATION_ONLY)


def time_limit_label(days: int, unit: str = "working") -> Msg:
    """"8 working days", "10 calendar days"; 0 in the catalogue means the same day."""
    if days == 0:
        return Msg(SAME_DAY)
    return Msg.counted(DAYS_BY_UNIT.get(unit, WORKING_DAYS), days)


def working_days_label(days: int) -> Msg:
    return time_limit_label(days, "working")


def fee_label_is_free(amount_vnd: int) -> Msg | None:
    """"Free" for 0 (pages format other amounts with ``Translator.format_money``)."""
    return Msg(FREE) if amount_vnd == 0 else None
