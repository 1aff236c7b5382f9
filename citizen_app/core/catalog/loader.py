"""Read and validate ``services_catalog/*.yaml`` (docs/catalogue-schema.md).

Every problem in every file is collected, located as ``<dir>/<file>: <path>: <message>``, so an
editor fixes the whole catalogue in one pass. :func:`load_catalog` refuses an invalid catalogue
by raising :class:`CatalogError`; the app does not start on one.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from citizen_app.core.catalog.model import (
    CHANNELS,
    CURATED_LEVELS,
    ONLINE_LEVELS,
    DayUnit,
    Document,
    Fee,
    LegalBasis,
    Localized,
    Procedure,
    ProcessingTime,
)
from citizen_app.core.catalog.taxonomy import EMPTY_TAXONOMY, LANGUAGE_FILES, Taxonomy, parse_taxonomy
from citizen_app.core.catalog.validate import Reader
from citizen_app.core.fees.model import REDUCTION_TARGETS, FeeReduction, UnitFee
from citizen_app.core.forms.schema import Condition, parse_form
from citizen_app.core.schema_errors import SchemaError, join_path

log = logging.getLogger(__name__)

TAXONOMY_FILE = "_taxonomy.yaml"
CODE = re.compile(r"^\d\.\d{6}$")

REQUIRED_KEYS = (
    "code", "name", "summary", "field", "life_events", "level", "agency", "online_level",
    "processing_time", "fees", "documents", "results", "applicants", "legal_basis",
)
OPTIONAL_KEYS = (
    "assurance_level", "popular", "fee_exemptions", "fee_reductions", "online_payment", "conditions", "steps", "form",
)


@dataclass(frozen=True)
class CatalogProblem:
    """One problem, with the file it is in (``services_catalog/1.001193.yaml``)."""

    source: str
    error: SchemaError

    def __str__(self) -> str:
        return self.error.located(self.source)


class CatalogError(Exception):
    """The catalogue is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[CatalogProblem]) -> None:
        self.problems = tuple(problems)
        listing = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the services catalogue:\n{listing}")


@dataclass(frozen=True)
class LoadedCatalog:
    """What the YAML files hold once checked; ``problems`` is empty when the catalogue is valid."""

    taxonomy: Taxonomy
    procedures: tuple[Procedure, ...]
    problems: tuple[CatalogProblem, ...] = field(default=())
    files: int = 0


# The form section is parsed by the forms engine (citizen_app.core.forms.schema); tests may pass another.
FormParser = Callable[[object, str], tuple[Any, list[SchemaError]]]


# --- one procedure -----------------------------------------------------------------------------


def parse_procedure(
    raw: object,
    taxonomy: Taxonomy,
    *,
    expected_code: str | None = None,
    form_parser: FormParser | None = None,
) -> tuple[Procedure | None, list[SchemaError]]:
    """Validate one file's content; the Procedure is None whenever there is any problem."""
    r = Reader()
    data = r.mapping(raw, "", required=REQUIRED_KEYS, optional=OPTIONAL_KEYS)
    if data is None:
        return None, r.errors

    def opt(key: str, read: Callable[[object, str], Any]) -> Any:
        return r.get(data, "", key, read)

    def each(read: Callable[[Reader, object, str], Any]) -> Callable[[object, str], Any]:
        return lambda value, path: r.items(value, path, lambda item, where: read(r, item, where))

    code = opt("code", r.string)
    if code is not None:
        if not CODE.match(code):
            r.error("code", f"{code!r} is not a national procedure code like 1.001193")
        elif expected_code is not None and code != expected_code:
            r.error("code", f"{code!r} does not match the file name {expected_code}.yaml")

    name = opt("name", r.localized)
    summary = opt("summary", r.localized)
    field_slug = opt("field", r.string)
    if field_slug is not None and field_slug not in taxonomy.fields:
        r.error("field", f"unknown field {field_slug!r} (not in {TAXONOMY_FILE})")
    life_events = opt("life_events", lambda v, p: r.items(v, p, r.string))
    for position, slug in enumerate(life_events or ()):
        if slug not in taxonomy.life_events:
            where = join_path("life_events", position)
            r.error(where, f"unknown life event {slug!r} (not in {TAXONOMY_FILE})")
    if life_events is not None and len(set(life_events)) != len(life_events):
        r.error("life_events", "lists a life event twice")
    level = opt("level", lambda v, p: r.choice(v, p, CURATED_LEVELS))
    agency = opt("agency", r.localized)
    online_level = opt("online_level", lambda v, p: r.choice(v, p, ONLINE_LEVELS))
    assurance_level = 1
    if "assurance_level" in data:
        value = data["assurance_level"]
        if isinstance(value, bool) or not isinstance(value, int) or value not in (1, 2):
            r.error("assurance_level", f"must be 1 or 2, not {value!r}")
        else:
            assurance_level = value
    popular = opt("popular", lambda v, p: r.integer(v, p, minimum=1))

    processing_time = opt("processing_time", each(_processing_time))
    if data.get("processing_time") == []:
        r.error("processing_time", "must give the processing time of at least one channel")
    fees = opt("fees", each(_fee))
    fee_exemptions = opt("fee_exemptions", r.localized)
    fee_reductions = opt("fee_reductions", each(_fee_reduction))
    online_payment = bool(opt("online_payment", r.boolean))
    documents = opt("documents", each(_document))
    results = opt("results", lambda v, p: r.items(v, p, r.localized))
    if data.get("results") == []:
        r.error("results", "must name at least one result document")
    applicants = opt("applicants", r.localized)
    conditions = opt("conditions", r.localized)
    legal_basis = opt("legal_basis", each(_legal_basis))
    steps = opt("steps", lambda v, p: r.items(v, p, r.localized))

    form: Any = None
    if "form" in data:
        parse = form_parser or parse_form
        try:
            form, form_errors = parse(data["form"], "form")
        except Exception as error:  # a bug in the form engine must not hide the other problems
            form, form_errors = None, [SchemaError("form", f"could not be checked: {error!r}")]
        r.errors.extend(form_errors)
    _check_fee_fields(r, fees or (), fee_reductions or (), form)

    if r.errors:
        return None, r.errors
    return (
        Procedure(
            code=code,
            name=name,
            summary=summary,
            field=field_slug,
            life_events=tuple(life_events),
            level=level,
            agency=agency,
            online_level=online_level,
            assurance_level=assurance_level,
            popular=popular,
            processing_time=tuple(processing_time),
            fees=tuple(fees),
            fee_exemptions=fee_exemptions,
            fee_reductions=tuple(fee_reductions or ()),
            online_payment=online_payment,
            documents=tuple(documents),
            results=tuple(results),
            applicants=applicants,
            conditions=conditions,
            legal_basis=tuple(legal_basis),
            steps=tuple(steps or ()),
            form=form,
            audience=taxonomy.audience_of(code, name.vi, field_slug),
        ),
        [],
    )


def _note(r: Reader, data: Any, path: str) -> Localized | None:
    return r.get(data, path, "note", r.localized)


# The key says the unit: ``working_days: 8`` or ``calendar_days: 10`` (exactly one of them).
DAY_KEYS: dict[str, DayUnit] = {"working_days": "working", "calendar_days": "calendar"}


def _processing_time(r: Reader, raw: object, path: str) -> ProcessingTime | None:
    data = r.mapping(raw, path, required=("channel",), optional=(*DAY_KEYS, "note"))
    if data is None:
        return None
    channel = r.get(data, path, "channel", lambda v, p: r.choice(v, p, CHANNELS))
    given = [key for key in DAY_KEYS if key in data]
    if not given:
        r.error(join_path(path, "working_days"), "is required (or calendar_days when the source counts calendar days)")
        return None
    if len(given) > 1:
        r.error(path, "gives both working_days and calendar_days: keep the one the source gives")
        return None
    days = r.get(data, path, given[0], r.integer)
    note = _note(r, data, path)
    if channel is None or days is None:
        return None
    return ProcessingTime(channel=channel, days=days, unit=DAY_KEYS[given[0]], note=note)  # type: ignore[arg-type]


def _day(r: Reader, raw: object, path: str) -> date | None:
    """``2026-12-31`` (YAML reads it as a date) or the same text."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        r.error(path, f"{raw!r} is not a date like 2026-12-31")
        return None


def _period(r: Reader, data: Any, path: str) -> tuple[date | None, date | None]:
    valid_from = r.get(data, path, "valid_from", lambda v, p: _day(r, v, p))
    valid_until = r.get(data, path, "valid_until", lambda v, p: _day(r, v, p))
    if valid_from and valid_until and valid_until < valid_from:
        r.error(join_path(path, "valid_until"), "is before valid_from")
    return valid_from, valid_until


def _unit_fee(r: Reader, raw: object, path: str) -> UnitFee | None:
    data = r.mapping(raw, path, required=("field", "amount_vnd", "label"))
    if data is None:
        return None
    field_id = r.get(data, path, "field", r.string)
    amount = r.get(data, path, "amount_vnd", r.integer)
    label = r.get(data, path, "label", r.localized)
    if field_id is None or amount is None or label is None:
        return None
    return UnitFee(field=field_id, amount_vnd=amount, label=label)


def _fee(r: Reader, raw: object, path: str) -> Fee | None:
    data = r.mapping(
        raw, path, required=("channel", "amount_vnd"), optional=("note", "per_unit", "valid_from", "valid_until")
    )
    if data is None:
        return None
    channel = r.get(data, path, "channel", lambda v, p: r.choice(v, p, CHANNELS))
    amount = r.get(data, path, "amount_vnd", r.integer)
    note = _note(r, data, path)
    per_unit = r.get(data, path, "per_unit", lambda v, p: _unit_fee(r, v, p))
    valid_from, valid_until = _period(r, data, path)
    if channel is None or amount is None:
        return None
    return Fee(
        channel=channel, amount_vnd=amount, note=note, per_unit=per_unit, valid_from=valid_from, valid_until=valid_until
    )


def _condition(r: Reader, raw: object, path: str) -> Condition | None:
    data = r.mapping(raw, path, required=("field",), optional=("equals", "in", "is_true"))
    if data is None:
        return None
    tests = [key for key in ("equals", "in", "is_true") if key in data]
    if len(tests) != 1:
        r.error(path, "needs exactly one of 'equals', 'in' or 'is_true'")
        return None
    field_id = r.get(data, path, "field", r.string)
    if field_id is None:
        return None
    if tests[0] == "in":
        values = data["in"]
        if not isinstance(values, list) or not values:
            r.error(join_path(path, "in"), "must be a non-empty list")
            return None
        return Condition(field=field_id, one_of=tuple(values))
    if tests[0] == "is_true":
        return Condition(field=field_id, is_true=bool(data["is_true"]))
    return Condition(field=field_id, equals=data["equals"])


def _fee_reduction(r: Reader, raw: object, path: str) -> FeeReduction | None:
    data = r.mapping(
        raw,
        path,
        required=("label", "percent"),
        optional=("channels", "applies_to", "when", "valid_from", "valid_until"),
    )
    if data is None:
        return None
    label = r.get(data, path, "label", r.localized)
    percent = r.get(data, path, "percent", lambda v, p: r.integer(v, p, minimum=1))
    if percent is not None and percent > 100:
        r.error(join_path(path, "percent"), "is at most 100 (an exemption)")
    channels = r.get(data, path, "channels", lambda v, p: r.items(v, p, lambda x, q: r.choice(x, q, CHANNELS)))
    applies_to = r.get(data, path, "applies_to", lambda v, p: r.choice(v, p, REDUCTION_TARGETS)) or "all"
    when = r.get(data, path, "when", lambda v, p: _condition(r, v, p))
    valid_from, valid_until = _period(r, data, path)
    if label is None or percent is None:
        return None
    return FeeReduction(
        label=label,
        percent=min(percent, 100),
        channels=tuple(channels or ()),
        applies_to=applies_to,  # type: ignore[arg-type]
        when=when,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _check_fee_fields(r: Reader, fees: Sequence[Fee], reductions: Sequence[FeeReduction], form: Any) -> None:
    """A per-unit fee counts a number field of the form; a reduction's ``when`` reads one of its fields."""
    known = {f.id: f for f in form.fields()} if form is not None and hasattr(form, "fields") else {}
    for position, fee in enumerate(fees):
        if fee.per_unit is None:
            continue
        where = join_path(join_path(join_path("fees", position), "per_unit"), "field")
        target = known.get(fee.per_unit.field)
        if target is None:
            r.error(where, f"refers to '{fee.per_unit.field}', which is not a field of the form")
        elif target.type != "number":
            r.error(where, f"'{fee.per_unit.field}' is a {target.type} field, not a number")
    for position, reduction in enumerate(reductions):
        if reduction.when is not None and reduction.when.field not in known:
            where = join_path(join_path(join_path("fee_reductions", position), "when"), "field")
            r.error(where, f"refers to '{reduction.when.field}', which is not a field of the form")
    by_channel: dict[str, list[Fee]] = {}
    for fee in fees:
        by_channel.setdefault(fee.channel, []).append(fee)
    for channel, listed in by_channel.items():
        for first, second in itertools.combinations(listed, 2):
            if _overlap(first, second):
                r.error("fees", f"two fees of channel {channel} are valid on the same day: give them periods that do not overlap")


def _overlap(a: Fee, b: Fee) -> bool:
    start = max(a.valid_from or date.min, b.valid_from or date.min)
    end = min(a.valid_until or date.max, b.valid_until or date.max)
    return start <= end


def _document(r: Reader, raw: object, path: str) -> Document | None:
    data = r.mapping(raw, path, required=("name", "originals", "copies", "required"), optional=("note",))
    if data is None:
        return None
    name = r.get(data, path, "name", r.localized)
    originals = r.get(data, path, "originals", r.integer)
    copies = r.get(data, path, "copies", r.integer)
    required = r.get(data, path, "required", r.boolean)
    note = _note(r, data, path)
    if name is None or originals is None or copies is None or required is None:
        return None
    return Document(name=name, originals=originals, copies=copies, required=required, note=note)


def _legal_basis(r: Reader, raw: object, path: str) -> LegalBasis | None:
    data = r.mapping(raw, path, required=("number", "title"))
    if data is None:
        return None
    number = r.get(data, path, "number", r.string)
    title = r.get(data, path, "title", r.localized)
    if number is None or title is None:
        return None
    return LegalBasis(number=number, title=title)


# --- the directory -----------------------------------------------------------------------------


def _source(directory: Path, file: Path) -> str:
    return f"{directory.name}/{file.name}"


def _read_yaml(file: Path) -> tuple[object, SchemaError | None]:
    try:
        with file.open(encoding="utf-8") as stream:
            return yaml.safe_load(stream), None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        return None, SchemaError("", f"not valid YAML{where}: {problem}")
    except (OSError, UnicodeDecodeError) as error:
        return None, SchemaError("", f"cannot be read: {error}")


def read_taxonomy(directory: Path) -> tuple[Taxonomy, list[CatalogProblem]]:
    file = directory / TAXONOMY_FILE
    source = _source(directory, file)
    if not file.exists():
        return EMPTY_TAXONOMY, [CatalogProblem(source, SchemaError("", "is missing"))]
    raw, error = _read_yaml(file)
    if error is not None:
        return EMPTY_TAXONOMY, [CatalogProblem(source, error)]
    taxonomy, errors = parse_taxonomy(raw)
    problems = [CatalogProblem(source, e) for e in errors]
    for name, extend in LANGUAGE_FILES.items():  # glossary, synonyms, audience: optional files
        extra = directory / name
        if extra.exists():
            raw, error = _read_yaml(extra)
            if error is None:
                taxonomy, extra_errors = extend(taxonomy, raw)
            else:
                extra_errors = [error]
            problems.extend(CatalogProblem(_source(directory, extra), e) for e in extra_errors)
    return taxonomy, problems


def procedure_files(directory: Path) -> list[Path]:
    """``*.yaml`` files in code order; files starting with ``_`` hold shared data, not procedures."""
    return sorted(p for p in directory.glob("*.yaml") if not p.name.startswith("_"))


def check_catalog(directory: Path, *, form_parser: FormParser | None = None) -> LoadedCatalog:
    """Read and validate every file; never raises for content problems (see ``problems``)."""
    problems: list[CatalogProblem] = []
    if not directory.is_dir():
        problem = CatalogProblem(str(directory), SchemaError("", "the catalogue directory does not exist"))
        return LoadedCatalog(EMPTY_TAXONOMY, (), (problem,), 0)
    taxonomy, taxonomy_problems = read_taxonomy(directory)
    problems.extend(taxonomy_problems)
    parser = form_parser or parse_form
    files = procedure_files(directory)
    procedures: list[Procedure] = []
    for file in files:
        source = _source(directory, file)
        raw, read_error = _read_yaml(file)
        if read_error is not None:
            problems.append(CatalogProblem(source, read_error))
            continue
        procedure, errors = parse_procedure(raw, taxonomy, expected_code=file.stem, form_parser=parser)
        problems.extend(CatalogProblem(source, e) for e in errors)
        if procedure is not None:
            procedures.append(procedure)
    return LoadedCatalog(taxonomy, tuple(procedures), tuple(problems), len(files))


def load_catalog(directory: Path, *, form_parser: FormParser | None = None) -> LoadedCatalog:
    """The valid catalogue, or :class:`CatalogError` listing every problem."""
    loaded = check_catalog(directory, form_parser=form_parser)
    if loaded.problems:
        raise CatalogError(loaded.problems)
    return loaded
