"""Vietnamese text folding: what search, sorting and slugs compare instead of the raw text.

People type Vietnamese with or without tone and vowel marks, in any case, and often
write ``d`` for ``đ``. Folding maps all of those to one form so that "Đăng ký khai sinh",
"dang ky khai sinh" and "ĐĂNG KÝ KHAI SINH" compare equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# NFD splits "ế" into "e" + circumflex + acute, but "đ" is a letter of its own, not "d" plus a mark
# (the same reason SQLite FTS5's remove_diacritics leaves it alone), so it needs its own rule.
_SPECIAL_LETTERS = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"}
_WHITESPACE = re.compile(r"\s+")
# A procedure code (1.001193) or any dotted number stays one token; otherwise a token is a run of
# letters and digits in any script, so mixed-script input is kept rather than silently dropped.
_TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _latin_table() -> dict[int, str | None]:
    """Every accented Latin letter (Vietnamese lives in Latin-1 and Latin Extended Additional) → its base.

    ``str.translate`` with this table folds a whole string in C, about 20 times faster than
    decomposing it character by character; folding is the bulk of building the search index.
    """
    table: dict[int, str | None] = {}
    for block in (range(0x00C0, 0x0250), range(0x1E00, 0x1F00)):
        for point in block:
            letter = chr(point)
            base = _strip_marks(letter)
            if base != letter:
                table[point] = base
    table.update({ord(k): v for k, v in _SPECIAL_LETTERS.items()})
    # Combining marks typed or pasted in decomposed form (macOS file names, some keyboards).
    table.update(dict.fromkeys(range(0x0300, 0x0370)))
    return table


_LATIN = _latin_table()


@lru_cache(maxsize=4096)
def _fold_other_scripts(text: str) -> str:
    return _strip_marks(text).lower()


def fold(text: str) -> str:
    """Lowercase, strip tones and vowel marks, map đ→d, collapse whitespace.

    Digits, dots and other punctuation are kept (procedure codes like ``1.001193`` survive);
    :func:`tokenize` decides what separates words.
    """
    if not text:
        return ""
    if not text.isascii():
        text = text.translate(_LATIN)
        if not text.isascii():
            text = _fold_other_scripts(text)
    return _WHITESPACE.sub(" ", text).strip().lower()


def has_accented_letters(text: str) -> bool:
    """Whether ``text`` holds a Latin letter with a mark (Vietnamese: "đ", "ă", "ế" …)."""
    return not text.isascii() and text.translate(_LATIN) != text


def tokenize(text: str) -> list[str]:
    """Folded words of ``text`` in order: ``"Đăng ký (lần 2) 1.001193"`` → ``dang ky lan 2 1.001193``."""
    return _TOKEN.findall(fold(text))


def folded_key(text: str) -> str:
    """The folded words joined by single spaces: punctuation-insensitive equality and prefix checks."""
    return " ".join(tokenize(text))


# A consonant onset followed by a final "y" is the same syllable as with "i": people write "đăng kí"
# and "đăng ký", "lí lịch" and "lý lịch", "qui định" and "quy định".
_Y_FINAL = re.compile(r"^(b|c|ch|d|g|gh|h|k|kh|l|m|n|ng|ngh|nh|p|ph|qu|r|s|t|th|tr|v|x)y$")


@lru_cache(maxsize=65536)
def canonical(token: str) -> str:
    """A folded word in the form search compares: one spelling of i/y, English endings removed.

    English endings (plural "-s", "-ing", "-ed", a final silent "e") are cut only where no
    Vietnamese syllable can end that way, so a folded Vietnamese word is never changed by them:
    "cards" → "card", "replacing" and "replace" → "replac", "closing" and "close" → "clos".
    """
    if token.isdigit():
        return token.lstrip("0") or "0"  # "mức độ 02" is "mức độ 2"
    token = _Y_FINAL.sub(r"\1i", token)
    if not token.isalpha() or not token.isascii():
        return token
    if len(token) > 4 and token.endswith("ies"):
        token = token[:-3] + "y"
    elif token.endswith("sses"):
        token = token[:-2]
    elif len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    if len(token) > 5 and token.endswith("ing"):
        token = token[:-3]
    elif len(token) > 4 and token.endswith("ed"):
        token = token[:-2]
    if len(token) >= 5 and token.endswith("e") and token[-2] not in "aeiouy":
        token = token[:-1]
    return token


_TONE_MARKS = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
_Y_FINAL_ACCENTED = re.compile(r"^(b|c|ch|d|đ|g|gh|h|k|kh|l|m|n|ng|ngh|nh|p|ph|qu|r|s|t|th|tr|v|x)y$")


@lru_cache(maxsize=16384)
def accent_key(word: str) -> str:
    """A word with its accents, in one spelling: ``"Hoá"`` and ``"hóa"`` → ``"hoa1"``, ``"lí"`` and
    ``"Lý"`` → ``"li1"``. Keeps apart what folding merges: "đăng"/"đang", "cơ"/"có", "bố"/"bộ"."""
    lowered = word.lower()
    if lowered.isascii():
        return _Y_FINAL_ACCENTED.sub(r"\1i", lowered)
    decomposed = unicodedata.normalize("NFD", lowered)
    tone = next((_TONE_MARKS[ch] for ch in decomposed if ch in _TONE_MARKS), "")
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _Y_FINAL_ACCENTED.sub(r"\1i", base) + tone


def accented_tokens(text: str) -> list[str]:
    """The words of ``text`` as :func:`accent_key` writes them, one per :func:`search_tokens` word."""
    return [accent_key(token) for token in _TOKEN.findall(unicodedata.normalize("NFC", text).lower())]


def search_tokens(text: str) -> list[str]:
    """The words search compares: :func:`tokenize`, then :func:`canonical` (``"Đăng kí"`` → ``dang ki``)."""
    if not text:
        return []
    if not text.isascii():  # fold() without the whitespace clean-up: the tokens do not need it
        text = text.translate(_LATIN)
        if not text.isascii():
            text = _fold_other_scripts(text)
    return [canonical(token) for token in _TOKEN.findall(text.lower())]


# A break between clauses of a name: words on both sides of it are not "together".
CLAUSE_BREAK = "|"
_TOKEN_OR_BREAK = re.compile(r"\d+(?:\.\d+)+|[^\W_]+|[,;:()/\[\]]|\s[-–]\s")


def search_tokens_with_breaks(text: str) -> list[str]:
    """:func:`search_tokens`, with :data:`CLAUSE_BREAK` where a comma, bracket, slash or dash cuts
    the text: ``"khai sinh, đăng ký"`` → ``khai sinh | dang ki``."""
    if not text:
        return []
    if not text.isascii():
        text = text.translate(_LATIN)
        if not text.isascii():
            text = _fold_other_scripts(text)
    return [canonical(t) if t[0].isalnum() else CLAUSE_BREAK for t in _TOKEN_OR_BREAK.findall(text.lower())]


def search_key(text: str) -> str:
    """The search words joined by single spaces: names and queries are compared in this form."""
    return " ".join(search_tokens(text))


def slugify(text: str, max_length: int = 60) -> str:
    """``"Thi đua – Khen thưởng"`` → ``"thi-dua-khen-thuong"``; cut at a hyphen when too long."""
    slug = _SLUG_JUNK.sub("-", fold(text)).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug


# Administrative-unit and procedure names start with a kind word that says nothing about where
# they sort: "Thành phố Hà Nội" belongs under H, "Thủ tục đăng ký khai sinh" is about "đăng ký".
_UNIT_PREFIXES = ("thanh pho ", "tinh ", "phuong ", "xa ", "dac khu ", "thi tran ")


def sort_key(name: str) -> str:
    """Folded name with a leading unit kind removed, for sorting place names the way people look for them."""
    key = folded_key(name)
    for prefix in _UNIT_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key
