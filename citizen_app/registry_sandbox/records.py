"""The sandbox registries' made-up records: every demo account, plus people who are not users.

* Population: every demo account as the identity provider knows them, except ``binh.tran``,
  whose registry record carries another birth date (the "registry contradicts the verified
  identity" case), and Đỗ Văn Hùng, ``lan.bui``'s late husband (the death group).
* Civil status: ``thu.dang`` is married to ``an.nguyen``; ``lan.bui`` was married to Đỗ Văn Hùng.
* Social insurance: Đỗ Văn Hùng was insured; so are the working-age demo citizens.
"""

from __future__ import annotations

from typing import Any

from citizen_app.idp.accounts import ACCOUNTS, DemoAccount

DECEASED_ID = "001050001234"  # 001 Hà Nội, 0 = male 1900s, 50
_DECEASED = {
    "full_name": "Đỗ Văn Hùng",
    "date_of_birth": "1950-02-10",
    "sex": "male",
    "permanent_address": {"province_code": "01", "commune_code": "00004", "street": "Số 3 ngõ 46 phố Đội Cấn"},
    "household_head": "Đỗ Văn Hùng",
}
# The registry's record that disagrees with the verified identity (see the module doc).
_CONTRADICTED = {"binh.tran": {"date_of_birth": "1992-07-20"}}


def _person(account: DemoAccount) -> dict[str, Any]:
    record = {
        "full_name": account.name,
        "date_of_birth": account.birthdate.isoformat(),
        "sex": account.gender,
        "permanent_address": {
            "province_code": account.permanent_address.province_code,
            "commune_code": account.permanent_address.commune_code,
            "street": account.permanent_address.street,
        },
        "household_head": account.name,
    }
    record.update(_CONTRADICTED.get(account.username, {}))
    return record


def _by_name(username: str) -> DemoAccount:
    return next(a for a in ACCOUNTS if a.username == username)


def population() -> dict[str, dict[str, Any]]:
    people = {a.personal_id: _person(a) for a in ACCOUNTS}
    people[DECEASED_ID] = dict(_DECEASED)
    an, thu = _by_name("an.nguyen"), _by_name("thu.dang")
    people[thu.personal_id]["household_head"] = an.name  # one household at Số 12 phố Đội Cấn
    return people


def marriages() -> dict[str, dict[str, Any]]:
    people = population()

    def spouse(pid: str) -> dict[str, Any]:
        return {"full_name": people[pid]["full_name"], "personal_id": pid, "date_of_birth": people[pid]["date_of_birth"]}

    an, thu, lan = _by_name("an.nguyen"), _by_name("thu.dang"), _by_name("lan.bui")
    return {
        thu.personal_id: {"married": True, "spouse": spouse(an.personal_id)},
        an.personal_id: {"married": True, "spouse": spouse(thu.personal_id)},
        lan.personal_id: {"married": True, "spouse": spouse(DECEASED_ID)},
        DECEASED_ID: {"married": True, "spouse": spouse(lan.personal_id)},
    }


def insurance() -> dict[str, dict[str, Any]]:
    insured = {
        a.personal_id: {"insurance_number": "01" + a.personal_id[-8:], "insured": True}
        for a in ACCOUNTS
        if 1960 <= a.birthdate.year <= 2005
    }
    insured[DECEASED_ID] = {"insurance_number": "0150001234", "insured": True}
    return insured
