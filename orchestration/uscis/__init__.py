"""USCIS non-refoulement interview (NRI) referrals: extract reader and synthetic generator.

Entry points: :func:`orchestration.uscis.nri.load_nri_extract` and
:func:`orchestration.uscis.generator.generate_nri_extract`.
"""

from orchestration.uscis.generator import MppCase, generate_nri_extract, mpp_cases_from_eoir_release
from orchestration.uscis.nri import NriExtractError, load_nri_extract

__all__ = [
    "MppCase",
    "NriExtractError",
    "generate_nri_extract",
    "load_nri_extract",
    "mpp_cases_from_eoir_release",
]
