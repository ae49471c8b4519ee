"""Which project already in the archive a new release belongs to, and the
project seed's ``releases`` list with the release added.

A release joins a project with the same MySMIS or SIPOCA code; failing codes,
one of the same beneficiary whose title is nearly the same once case and
diacritics are folded. Anything looser would join two projects of one body
(a town runs many); a release that joins nothing becomes a project of its own,
and a curator can still join it by hand (docs/seed-format.md).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy import Engine, or_, select

from ..models import Organisation, Project
from ..text import organisation_key, title_key

__all__ = ["TITLE_LIKENESS", "JoinTarget", "archived_identity", "find_join", "with_release"]

# How alike two titles must be (difflib's ratio of their folded forms) for
# releases of one beneficiary to be one project: typing slips and a dropped
# word pass, another project of the same programme does not.
TITLE_LIKENESS = 0.9


@dataclass(frozen=True)
class JoinTarget:
    slug: str
    seed_file: str
    reason: str


def find_join(engine: Engine, record: dict[str, Any]) -> JoinTarget | None:
    """The project of the archive ``record`` (a draft) is a further release of, if any."""
    codes = record.get("codes") or {}
    with engine.connect() as connection:
        conditions = [
            column == codes[name]
            for name, column in (("mysmis", Project.mysmis_code), ("sipoca", Project.sipoca_code))
            if codes.get(name)
        ]
        if conditions:
            row = connection.execute(
                select(Project.slug, Project.seed_file, Project.mysmis_code, Project.sipoca_code)
                .where(or_(*conditions))
                .order_by(Project.slug)
                .limit(1)
            ).first()
            if row is not None and row.seed_file:
                if codes.get("mysmis") and row.mysmis_code == codes["mysmis"]:
                    reason = f"same MySMIS code {codes['mysmis']}"
                else:
                    reason = f"same SIPOCA code {codes['sipoca']}"
                return JoinTarget(row.slug, row.seed_file, reason)
            return None  # a code of its own: another project, whatever its title
        beneficiary = (record.get("beneficiary") or {}).get("name")
        title = record.get("title")
        if not beneficiary or not title:
            return None
        wanted = title_key(title)
        for candidate in connection.execute(
            select(Project.slug, Project.seed_file, Project.title)
            .join(Organisation, Organisation.id == Project.beneficiary_id)
            .where(Organisation.name_key == organisation_key(beneficiary))
            .order_by(Project.slug)
        ):
            likeness = difflib.SequenceMatcher(None, wanted, title_key(candidate.title)).ratio()
            if likeness >= TITLE_LIKENESS and candidate.seed_file:
                reason = "same beneficiary and nearly the same title"
                return JoinTarget(candidate.slug, candidate.seed_file, reason)
    return None


def archived_identity(engine: Engine, slug: str) -> tuple[str | None, str] | None:
    """The project code (MySMIS, else SIPOCA) and the beneficiary's name of the
    archive's project ``slug``, if it holds one."""
    with engine.connect() as connection:
        row = connection.execute(
            select(Project.mysmis_code, Project.sipoca_code, Organisation.name)
            .join(Organisation, Organisation.id == Project.beneficiary_id)
            .where(Project.slug == slug)
        ).first()
    return None if row is None else (row.mysmis_code or row.sipoca_code, row.name)


_RELEASES_BLOCK = re.compile(r"^releases:[^\n]*\n(?:[ \t]+-[^\n]*\n|[ \t]*#[^\n]*\n)*", re.M)


def with_release(seed_text: str, release_file: str) -> str:
    """``seed_text`` with ``release_file`` added to its ``releases`` list; the
    rest of the curator's text, comments included, as it was."""
    data = yaml.safe_load(seed_text)
    listed = list(data.get("releases") or []) if isinstance(data, dict) else []
    if release_file in listed:
        return seed_text
    line = "releases: " + yaml.safe_dump([*listed, release_file], default_flow_style=True, allow_unicode=True)
    found = _RELEASES_BLOCK.search(seed_text if seed_text.endswith("\n") else seed_text + "\n")
    if found is None:
        return seed_text + ("" if seed_text.endswith("\n") else "\n") + line
    text = seed_text if seed_text.endswith("\n") else seed_text + "\n"
    return text[: found.start()] + line + text[found.end() :]
