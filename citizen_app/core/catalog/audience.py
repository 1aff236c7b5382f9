"""Who a procedure is for: citizens (people and households), organisations, or both.

Derived from the data, curated where the data says too little (``services_catalog/_audience.yaml``):

1. ``codes``: a curated answer for one procedure always wins;
2. words in the name: "đối với tổ chức", "doanh nghiệp", "ngân hàng" … say organisations;
   "hộ gia đình", "cá nhân", "công dân" … say citizens; both kinds of words say both;
3. the field: civil status and residence are for citizens, banking and customs for
   organisations;
4. otherwise both.

Citizen searches rank entries for citizens (and for both) before entries for organisations only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from citizen_app.core.catalog.model import AUDIENCES, Audience
from citizen_app.core.catalog.validate import Reader
from citizen_app.core.schema_errors import SchemaError, join_path
from citizen_app.core.text import search_key

_KINDS: tuple[Audience, ...] = ("citizen", "organisation")


@dataclass(frozen=True)
class AudienceRules:
    codes: Mapping[str, Audience] = field(default_factory=dict)
    fields: Mapping[str, Audience] = field(default_factory=dict)  # taxonomy field slug → audience
    # audience → phrases of a name (in search form, padded with spaces) that say it
    words: Mapping[Audience, tuple[str, ...]] = field(default_factory=dict)

    def audience_of(self, code: str, name_vi: str, field_slug: str) -> Audience:
        if code in self.codes:
            return self.codes[code]
        padded = f" {search_key(name_vi)} "
        said = [kind for kind in _KINDS if any(words in padded for words in self.words.get(kind, ()))]
        if len(said) == 2:
            return "both"
        if said:
            return said[0]
        return self.fields.get(field_slug, "both")


EMPTY_AUDIENCE_RULES = AudienceRules()


def parse_audience(raw: object) -> tuple[AudienceRules, list[SchemaError]]:
    """``_audience.yaml``: ``words`` (per audience), ``fields`` and ``codes`` (slug or code → audience)."""
    reader = Reader()
    data = reader.mapping(raw, "", optional=("words", "fields", "codes"))
    if data is None:
        return EMPTY_AUDIENCE_RULES, reader.errors
    words: dict[Audience, tuple[str, ...]] = {}
    raw_words = data.get("words") or {}
    if reader.mapping(raw_words, "words", optional=_KINDS) is not None:
        for kind in _KINDS:
            texts = reader.items(raw_words.get(kind, []), join_path("words", kind), reader.string) or []
            words[kind] = tuple(f" {search_key(text)} " for text in texts if search_key(text))
    return (
        AudienceRules(
            codes=_choices(reader, data.get("codes"), "codes"),
            fields=_choices(reader, data.get("fields"), "fields"),
            words=words,
        ),
        reader.errors,
    )


def _choices(reader: Reader, raw: object, path: str) -> dict[str, Audience]:
    chosen: dict[str, Audience] = {}
    if raw is None or reader.mapping(raw, path, any_keys=True) is None:
        return chosen
    assert isinstance(raw, Mapping)
    for key, value in raw.items():
        audience = reader.choice(value, join_path(path, str(key)), AUDIENCES)
        if audience is not None:
            chosen[str(key)] = audience
    return chosen
