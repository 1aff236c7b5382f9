"""Fees computed from a procedure's catalogue data and the applicant's answers (docs/catalogue-schema.md, "Fees").

``model`` holds what the catalogue says (a fee per channel, optionally per unit of a form field,
each with its validity period; reductions and exemptions that follow from the date and the
answers); ``compute`` turns it into the breakdown a citizen sees and a dossier keeps.
"""

from citizen_app.core.fees.compute import FeeBreakdown, FeeLine, compute_fee, fee_for_display
from citizen_app.core.fees.model import Fee, FeeReduction, FeeSchedule, UnitFee

__all__ = [
    "Fee",
    "FeeBreakdown",
    "FeeLine",
    "FeeReduction",
    "FeeSchedule",
    "UnitFee",
    "compute_fee",
    "fee_for_display",
]
