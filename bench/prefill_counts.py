"""Fields a citizen types versus fields filled for her (issue 12): the birth and death groups and the
five most used procedures, with the sandbox registries' records of the demo people.

    .venv/bin/python bench/prefill_counts.py

Prints a Markdown table (docs/apply.md, "Typed once").
"""

from __future__ import annotations

from typing import Any

from citizen_app.core.catalog import get_catalog
from citizen_app.core.identity.profile_view import Address, ProfileView
from citizen_app.core.life_events.groups import linked_group
from citizen_app.core.life_events.measure import count_fields
from citizen_app.core.registries import use_transport
from citizen_app.idp.accounts import ACCOUNTS
from citizen_app.registry_sandbox import records

TABLES = {
    "/population/people": records.population,
    "/civil-status/marriages": records.marriages,
    "/social-insurance/people": records.insurance,
}


def transport(path: str, timeout: float) -> tuple[int, Any]:
    prefix, person = path.rsplit("/", 1)
    found = TABLES[prefix]().get(person)
    return (200, found) if found is not None else (404, None)


def profile_of(username: str) -> ProfileView:
    a = next(a for a in ACCOUNTS if a.username == username)
    home = a.permanent_address
    return ProfileView(
        personal_id=a.personal_id, full_name=a.name, date_of_birth=a.birthdate, sex=a.gender,  # type: ignore[arg-type]
        place_of_origin=a.place_of_origin, permanent_address=Address(home.province_code, home.commune_code, home.street),
        assurance_level=a.level, phone=a.phone, email=a.email,
    )


def main() -> None:
    use_transport(transport)
    mother, widow = profile_of("thu.dang"), profile_of("lan.bui")
    birth, death = linked_group("birth"), linked_group("death")
    assert birth is not None and death is not None
    rows = [
        ("Birth group (the mother)", birth.form, mother, {"relationship": "mother", "delivery": "post"}),
        ("Death group (the widow)", death.form, widow,
         {"relationship": "spouse", "deceased_personal_id": records.DECEASED_ID, "delivery": "counter"}),
    ]
    catalog = get_catalog()
    popular = sorted((p for p in catalog.curated() if p.popular and p.form is not None), key=lambda p: p.popular)[:5]
    for procedure in popular:
        scenario = {"relationship": "mother", "delivery": "post", "father_known": "yes"} if procedure.code == "1.001193" else {}
        rows.append((f"{procedure.code} {procedure.name['en']}", procedure.form, mother, scenario))
    print("| form | shown | filled for her | typed or chosen | filled by source | typed or chosen |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    for name, form, person, scenario in rows:
        counts = count_fields(form, person, scenario)
        sources = ", ".join(f"{key} {n}" for key, n in sorted(counts.prefilled_by.items()))
        print(f"| {name} | {counts.shown} | {counts.prefilled} | {counts.typed} | {sources} | {', '.join(counts.typed_fields)} |")


if __name__ == "__main__":
    main()
