"""Receiving agencies and their electronic identifier codes (sandbox mapping).

Circular 01/2018/TT-VPCP numbers dossiers after the *receiving agency's*
electronic identifier code, whose shape (QCVN 102:2016/BTTTT) is
``V1V2V3.Z1Z2.Y1Y2.MX1X2``, read right to left: ``MX1X2`` the level-1 unit
(``H`` + two digits for a province), ``Y1Y2`` a level-2 unit under it,
``Z1Z2`` level 3, ``V1V2V3`` level 4; zeros where a level is not used
(``000.00.00.H30`` is a province itself).

The real codes are assigned by each province and are not published as a
dataset, so this app uses a deterministic sandbox mapping from the official
post-2025 unit codes, documented here and reversible:

=====================================================  ===========================
Province public administration service centre of P     ``000.00.00.H{P}``
(Trung tâm Phục vụ hành chính công), P = 2-digit code
People's Committee of commune C (5 digits) in P         ``{C[2:5]}.{C[0:2]}.20.H{P}``
=====================================================  ===========================

``Y1Y2 = 20`` marks "commune-level People's Committees" (there is no district
level since 1 July 2025, so the level-2 slot is free to group them); ``Z1Z2``
and ``V1V2V3`` carry the commune's own 5-digit code, so two communes never share
an agency code. Example: Phường Ba Đình (00004) in Hà Nội (01) → ``004.00.20.H01``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

AgencyKind = Literal["province_centre", "commune_committee", "commune_police", "social_insurance"]

COMMUNE_GROUP = "20"
# Life events (issue 12): the other agencies of a linked application, in the same sandbox scheme.
# ``{C[2:5]}.{C[0:2]}.30.H{P}``: the police of commune C (residence registration since July 2025);
# ``000.00.40.H{P}``: the social-insurance agency of province P (health-insurance cards, benefits).
POLICE_GROUP = "30"
SOCIAL_INSURANCE_GROUP = "40"
# Staff ``unit_level`` of each kind (``unit_code``: the commune's 5 digits, or the province's 2).
UNIT_LEVEL_OF_KIND: dict[str, str] = {
    "province_centre": "province",
    "commune_committee": "commune",
    "commune_police": "police",
    "social_insurance": "social_insurance",
}
_AGENCY_CODE = re.compile(r"^(?P<v>\d{3})\.(?P<z>\d{2})\.(?P<y>\d{2})\.H(?P<p>\d{2})$")
_PROVINCE = re.compile(r"^\d{2}$")
_COMMUNE = re.compile(r"^\d{5}$")


class InvalidAgencyCode(ValueError):
    pass


@dataclass(frozen=True)
class Agency:
    code: str
    kind: AgencyKind
    province_code: str
    commune_code: str | None = None

    def name(
        self, province_name: str | None = None, commune_name: str | None = None
    ) -> Mapping[str, str]:
        """The receiving unit's name in both languages, from the unit names when known."""
        if self.kind == "province_centre":
            place = province_name or f"tỉnh/thành phố mã {self.province_code}"
            english = province_name or f"province {self.province_code}"
            return {
                "vi": f"Trung tâm Phục vụ hành chính công {place}",
                "en": f"Public Administration Service Centre, {english}",
            }
        if self.kind == "social_insurance":
            place = province_name or f"tỉnh/thành phố mã {self.province_code}"
            return {
                "vi": f"Bảo hiểm xã hội {place}",
                "en": f"Social Insurance Agency, {province_name or 'province ' + self.province_code}",
            }
        place = commune_name or f"xã/phường mã {self.commune_code}"
        if self.kind == "commune_police":
            return {
                "vi": f"Công an {place}",
                "en": f"Police of {commune_name or 'commune ' + str(self.commune_code)}",
            }
        return {
            "vi": f"Ủy ban nhân dân {place}",
            "en": f"People's Committee of {commune_name or 'commune ' + str(self.commune_code)}",
        }

    def served_by(self, unit_level: str | None, unit_code: str | None) -> bool:
        """Whether staff of this unit (``User.unit_level``/``unit_code``) work for this agency."""
        return unit_level == self.unit_level and unit_code == self.unit_code

    @property
    def unit_level(self) -> str:
        """The staff unit level that works for this agency ("commune", "province", "police", "social_insurance")."""
        return UNIT_LEVEL_OF_KIND[self.kind]

    @property
    def unit_code(self) -> str:
        return self.province_code if self.commune_code is None else str(self.commune_code)


def province_centre(province_code: str) -> Agency:
    if not _PROVINCE.match(province_code):
        raise InvalidAgencyCode(f"province code must be 2 digits, got {province_code!r}")
    return Agency(code=f"000.00.00.H{province_code}", kind="province_centre", province_code=province_code)


def commune_committee(province_code: str, commune_code: str) -> Agency:
    if not _PROVINCE.match(province_code):
        raise InvalidAgencyCode(f"province code must be 2 digits, got {province_code!r}")
    if not _COMMUNE.match(commune_code):
        raise InvalidAgencyCode(f"commune code must be 5 digits, got {commune_code!r}")
    code = f"{commune_code[2:]}.{commune_code[:2]}.{COMMUNE_GROUP}.H{province_code}"
    return Agency(code=code, kind="commune_committee", province_code=province_code, commune_code=commune_code)


def commune_police(province_code: str, commune_code: str) -> Agency:
    committee = commune_committee(province_code, commune_code)
    code = committee.code.replace(f".{COMMUNE_GROUP}.", f".{POLICE_GROUP}.")
    return Agency(code=code, kind="commune_police", province_code=province_code, commune_code=commune_code)


def social_insurance(province_code: str) -> Agency:
    if not _PROVINCE.match(province_code):
        raise InvalidAgencyCode(f"province code must be 2 digits, got {province_code!r}")
    return Agency(
        code=f"000.00.{SOCIAL_INSURANCE_GROUP}.H{province_code}", kind="social_insurance", province_code=province_code
    )


def agency_of_unit(unit_level: str | None, unit_code: str | None, province_code: str | None) -> Agency | None:
    """The agency staff of a unit work for (``province_code``: the commune's, for commune units)."""
    if not unit_code:
        return None
    try:
        if unit_level == "province":
            return province_centre(unit_code)
        if unit_level == "social_insurance":
            return social_insurance(unit_code)
        if province_code is None:
            return None
        if unit_level == "commune":
            return commune_committee(province_code, unit_code)
        if unit_level == "police":
            return commune_police(province_code, unit_code)
    except InvalidAgencyCode:
        return None
    return None


def parse_agency_code(code: str) -> Agency:
    """The agency a sandbox code stands for; :class:`InvalidAgencyCode` for anything else."""
    match = _AGENCY_CODE.match(code)
    if not match:
        raise InvalidAgencyCode(f"not an agency code of the form 000.00.00.H01: {code!r}")
    v, z, y, p = match["v"], match["z"], match["y"], match["p"]
    if (v, z, y) == ("000", "00", "00"):
        return province_centre(p)
    if y == COMMUNE_GROUP:
        return commune_committee(p, z + v)
    if y == POLICE_GROUP:
        return commune_police(p, z + v)
    if (v, z, y) == ("000", "00", SOCIAL_INSURANCE_GROUP):
        return social_insurance(p)
    raise InvalidAgencyCode(f"{code!r} is neither a province centre nor a commune People's Committee here")


def is_agency_code(code: str) -> bool:
    try:
        parse_agency_code(code)
    except InvalidAgencyCode:
        return False
    return True


def receiving_agency(level: str, province_code: str, commune_code: str | None) -> Agency:
    """Who receives a dossier: the commune's People's Committee for commune-level procedures,
    the province's service centre for province-level ones."""
    if level == "commune":
        if not commune_code:
            raise InvalidAgencyCode("a commune-level procedure needs the receiving commune")
        return commune_committee(province_code, commune_code)
    if level == "province":
        return province_centre(province_code)
    raise InvalidAgencyCode(f"procedures of level {level!r} are not received by this app")
