"""Coding: a release's free text turned into codes others can join on — the
beneficiary's fiscal code (CUI), its kind of body, and its place as SIRUTA codes
with NUTS 2/3 and development region.

Pure functions over text and packaged tables; nothing here touches the archive.
"""

from .cui import Cui, CuiMention, CuiProblem, find_cuis, parse_cui
from .kinds import BeneficiaryKind, KindResult, classify_organisation
from .places import County, PlaceResult, PlaceStatus, SirutaUnit, place_from_text, resolve_place

__all__ = [
    "BeneficiaryKind",
    "County",
    "Cui",
    "CuiMention",
    "CuiProblem",
    "KindResult",
    "PlaceResult",
    "PlaceStatus",
    "SirutaUnit",
    "classify_organisation",
    "find_cuis",
    "parse_cui",
    "place_from_text",
    "resolve_place",
]
