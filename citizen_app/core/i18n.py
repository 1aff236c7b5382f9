"""Languages: gettext catalogues, locale negotiation, and Babel formatting.

Vietnamese is the default and English the second language. Message ids are the
English source text. ``locales/<lang>/LC_MESSAGES/messages.po`` holds both
translations; the ``.mo`` files are build output, compiled from the ``.po``
files whenever they are older (see :func:`ensure_compiled`).

Pages are compiled once per locale, so they translate static text at build time
with ``t.gettext``. Server code that produces messages for later display returns
a :class:`Msg` (a message id plus parameters) and lets the caller render it in
the user's language.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from citizen_app.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

LocaleCode = Literal["vi", "en"]
LOCALES: tuple[LocaleCode, ...] = ("vi", "en")
DEFAULT_LOCALE: LocaleCode = "vi"
LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"
# Vietnam keeps one time zone all year; every time shown to a person is in it.
VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_DATE_PATTERNS: dict[str, str] = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
_DATETIME_PATTERNS: dict[str, str] = {"vi": "HH:mm 'ngày' dd/MM/yyyy", "en": "HH:mm, d MMM yyyy"}


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it yet (module-level labels)."""
    return msgid


Plural = tuple[str, str]


def NP_(singular: str, plural: str) -> Plural:
    """Mark a message with a plural for extraction (keyword ``NP_:1,2``) without translating it yet.

    Render it with :meth:`Msg.counted` or :meth:`Translator.plural`: ngettext picks the form
    from ``count`` (English has two, Vietnamese one).
    """
    return (singular, plural)


@dataclass(frozen=True)
class Msg:
    """A message to be shown later, in whatever language the reader uses.

    A message with ``plural`` is a plural one: ``params["count"]`` picks the form.
    """

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None

    @classmethod
    def counted(cls, forms: Plural, count: int, **params: Any) -> Msg:
        """``Msg.counted(NP_("{count} file", "{count} files"), 3)``."""
        return cls(forms[0], {"count": count, **params}, plural=forms[1])


# One way to write money per language, everywhere (issue 16): "160.000 đ" and "VND 160,000". A
# no-break space keeps the amount and its unit on one line on a narrow phone.
_MONEY_PATTERNS: dict[str, str] = {"vi": "{amount}\u00a0đ", "en": "VND\u00a0{amount}"}
# Amounts of dong as editors write them in catalogue text: "320.000đ", "7.000 đồng", "320,000 VND",
# "₫160,000", "VND 160,000". Thousands are groups of three digits; other currencies are left alone.
_NUMBER = r"\d{1,3}(?:[.,]\d{3})+|\d+"
_AFTER = r"(?:Việt Nam Đồng|VNĐ|VND|đồng|đ|₫)"
_MONEY_IN_TEXT = re.compile(
    rf"(?:(?:VNĐ|VND|₫)[ \u00a0]?(?P<before>{_NUMBER})(?![\d.,]*\d))"
    rf"|(?:(?<![\d.,])(?P<after>{_NUMBER})[ \u00a0]?{_AFTER}(?!\w))"
)


def _amount(written: str) -> int:
    return int(re.sub(r"[.,]", "", written))


def normalize_money(text: str, locale: str) -> str:
    """Amounts of dong in free text, written the locale's one way (``Translator.format_money``)."""
    translator_locale = normalize_locale(locale)

    def rewrite(match: re.Match[str]) -> str:
        return format_money(_amount(match.group("before") or match.group("after")), translator_locale)

    return _MONEY_IN_TEXT.sub(rewrite, text)


def format_money(amount_vnd: int | Decimal, locale: str) -> str:
    """Dong have no minor unit: ``160.000 đ`` in Vietnamese, ``VND 160,000`` in English."""
    code = normalize_locale(locale)
    amount = format_decimal(amount_vnd, format="#,##0", locale=Locale.parse(code))
    return _MONEY_PATTERNS[code].format(amount=amount)


def _po_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def _mo_path(locale: str) -> Path:
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"


def ensure_compiled() -> None:
    """Compile any ``.po`` newer than its ``.mo`` (what ``pybabel compile`` does)."""
    for locale in LOCALES:
        po, mo = _po_path(locale), _mo_path(locale)
        if not po.exists():
            continue
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=locale, domain=DOMAIN)
        with mo.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)


class Translator:
    """Everything language-dependent for one locale."""

    def __init__(self, locale: LocaleCode, translations: Translations) -> None:
        self.locale: LocaleCode = locale
        self._translations = translations
        self._babel_locale = Locale.parse(locale)

    def gettext(self, msgid: str) -> str:
        return self._translations.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def render(self, message: Msg) -> str:
        if message.plural is not None:
            count = message.params.get("count", 0)
            text = self.ngettext(message.msgid, message.plural, int(count))
            return text.format(**{**message.params, "count": self.format_number(count)})
        text = self.gettext(message.msgid)
        return text.format(**message.params) if message.params else text

    def plural(self, forms: Plural, count: int, **params: Any) -> str:
        """The form of ``forms`` for ``count`` in this language, with ``{count}`` written as a number here."""
        return self.render(Msg.counted(forms, count, **params))

    def pick(self, texts: Mapping[str, str]) -> str:
        """Choose this locale's text from a ``{"vi": ..., "en": ...}`` mapping (catalogue data)."""
        return texts.get(self.locale) or texts.get(DEFAULT_LOCALE) or next(iter(texts.values()), "")

    def format_date(self, value: date | datetime) -> str:
        if isinstance(value, datetime):
            value = value.astimezone(VIETNAM_TZ).date()
        return babel_format_date(value, _DATE_PATTERNS[self.locale], locale=self._babel_locale)

    def format_datetime(self, value: datetime) -> str:
        return babel_format_datetime(
            value, _DATETIME_PATTERNS[self.locale], tzinfo=VIETNAM_TZ, locale=self._babel_locale
        )

    def format_number(self, value: int | float | Decimal) -> str:
        return format_decimal(value, locale=self._babel_locale)

    def format_money(self, amount_vnd: int | Decimal) -> str:
        """``20.000 đ`` in Vietnamese, ``VND 20,000`` in English (:func:`format_money`)."""
        return format_money(amount_vnd, self.locale)


@lru_cache(maxsize=len(LOCALES))
def get_translator(locale: str) -> Translator:
    code = normalize_locale(locale)
    ensure_compiled()
    mo = _mo_path(code)
    if mo.exists():
        with mo.open("rb") as source:
            translations = Translations(source, domain=DOMAIN)
    else:
        log.warning("no compiled catalogue for %s; showing message ids", code)
        translations = Translations()
    return Translator(code, translations)


def normalize_locale(value: str | None) -> LocaleCode:
    """Map anything a browser or a URL may carry to one of our locales."""
    if value:
        primary = value.strip().replace("_", "-").split("-")[0].lower()
        for code in LOCALES:
            if primary == code:
                return code
    return DEFAULT_LOCALE


def is_supported(value: str | None) -> bool:
    return bool(value) and value in LOCALES


def negotiate_locale(saved_preference: str | None, accept_language: str | None) -> LocaleCode:
    """The saved choice wins; then the browser's Accept-Language order; then Vietnamese."""
    if is_supported(saved_preference):
        return saved_preference  # type: ignore[return-value]
    for tag, _quality in _parse_accept_language(accept_language or ""):
        try:
            language = Locale.parse(tag, sep="-").language
        except (ValueError, UnknownLocaleError):
            continue
        if language in LOCALES:
            return language  # type: ignore[return-value]
    return DEFAULT_LOCALE


def _parse_accept_language(header: str) -> list[tuple[str, float]]:
    ranked: list[tuple[str, float]] = []
    for part in header.split(","):
        piece = part.strip()
        if not piece or piece == "*":
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            ranked.append((tag.strip(), quality))
    ranked.sort(key=lambda item: item[1], reverse=True)  # stable: equal weights keep header order
    return ranked


def other_locale(locale: str) -> LocaleCode:
    return "en" if normalize_locale(locale) == "vi" else "vi"


def switch_locale_in_path(path: str, target: str) -> str:
    """``/vi/services/1.001193?x=1`` → ``/en/services/1.001193?x=1``: same page, other language."""
    target_code = normalize_locale(target)
    stripped = path if path.startswith("/") else f"/{path}"
    segments = stripped.split("/", 2)
    if len(segments) > 1 and segments[1] in LOCALES:
        rest = segments[2] if len(segments) > 2 else ""
        return f"/{target_code}/{rest}"
    return f"/{target_code}{stripped}"
