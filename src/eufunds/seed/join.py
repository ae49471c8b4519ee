"""A further release joined into its project's record (issue 17, item 1).

A project speaks at least twice: when it starts and when it ends. Each release
is read into a seed of its own; the project's seed lists its further releases
under ``releases`` and each of them names the project under ``joins``. Reading
the project's seed joins them into one record with every source:

- a fact the project's record leaves unstated is taken from the release;
- a fact both state alike keeps both quotes as its evidence;
- a fact the release states otherwise stays as the project's record gives it,
  and the release's figure is kept beside it under ``restated`` with its own
  evidence, so that ``check`` can say which figures changed between releases;
- objectives and results the release adds are appended (an item of the same
  wording takes the release's indicators), so an end release's achieved values
  stand beside the start release's targets;
- the status is the latest release's.

A funding row the release names beside the project's own rows of the same
source restates their amount or share where they differ; funding rows of
sources the project does not list are left out with their quotes (a funding
split is read whole from one release, never pieced together from two).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from typing import Any, cast

from ..numbers import decimal_text
from ..record import EvidenceQuote, SeedRecord
from ..text import fold

__all__ = ["RESTATABLE", "JoinError", "join_release", "restated_text"]

# The single facts a release may state otherwise than its project's record.
RESTATABLE: tuple[str, ...] = (
    "title", "acronym", "codes.sipoca", "codes.mysmis", "beneficiary.name", "beneficiary.acting_through",
    "beneficiary.cui", "programme.name", "currency", "total_value", "eligible_value", "start_date",
    "end_date", "duration_months", "target_group.size", "target_group.description", "location", "status",
)  # fmt: skip
# Codes name the project: a release stating others is not this project's.
_IDENTITY = ("codes.sipoca", "codes.mysmis")


class JoinError(ValueError):
    """A release that cannot join the project: ``path`` names its field."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def restated_text(value: Any) -> str:
    """A restated figure as text, written as the seed format writes it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        raise TypeError(f"not a figure: {value!r}")
    if isinstance(value, int | float) or value.__class__.__name__ == "Decimal":
        return decimal_text(value)
    return str(value)


def _get(record: Any, path: str) -> Any:
    node = record
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _set(record: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = record
    for part in parents:
        node = node[part]
    node[last] = value


def _published(record: SeedRecord) -> dt.date | None:
    return max((s["published"] for s in record["sources"] if s["published"]), default=None)


_INDEXED = re.compile(r"^(objectives|results|partners|contacts|funding)\[(\d+)\](.*)$")


def join_release(project: SeedRecord, release: SeedRecord) -> SeedRecord:
    """``project``'s record with ``release`` joined into it (see the module's
    docstring). Raises ``JoinError`` when the release names another project
    (another code) or brings a source file the project already has."""
    joined = cast(SeedRecord, copy.deepcopy(dict(project)))
    for path in _IDENTITY:
        ours, theirs = _get(project, path), _get(release, path)
        if ours and theirs and ours != theirs:
            raise JoinError(path, f"{theirs} is not the code of {project['slug']} ({ours}): another project")
    if not release["sources"]:
        raise JoinError("sources", "a further release joins with the source it was read from; it names none")
    files = {s["file"] for s in project["sources"]}
    for i, source in enumerate(release["sources"]):
        if source["file"] in files:
            raise JoinError(
                f"sources[{i}].file", f"{source['file']!r} is already a source of {project['slug']}"
            )
    joined["sources"] = [*project["sources"], *copy.deepcopy(release["sources"])]
    default_file = release["sources"][0]["file"] if len(release["sources"]) == 1 else None
    later = (_published(release) or dt.date.min) >= (_published(project) or dt.date.min)
    moved: dict[str, str] = {}  # release field path → its path in the joined record
    restated = list(joined.get("restated") or [])

    def restate(path: str, value: Any, source: str | None = None) -> None:
        moved[path] = f"restated[{len(restated)}].value"
        said_by = source or default_file or release["sources"][0]["file"]
        restated.append({"source": said_by, "field": path, "value": restated_text(value)})

    for path in RESTATABLE:
        ours, theirs = _get(joined, path), _get(release, path)
        if theirs is None or theirs == ours:
            moved[path] = path
        elif path == "status" and later:
            # The latest release says where the project stands; the earlier
            # status, with its quotes, is what is restated.
            restate(path, ours, source=project["sources"][-1]["file"] if project["sources"] else None)
            earlier = moved[path]
            if path in joined["evidence"]:
                joined["evidence"][earlier] = joined["evidence"].pop(path)
            moved[path] = path
            _set(joined, path, theirs)
        elif ours is None:
            _set(joined, path, theirs)
            moved[path] = path
        else:
            restate(path, theirs)
    # Whole parts the record holds once: taken when the project has none.
    for key in ("priority_axis", "specific_objective"):
        if joined[key] is None and release[key] is not None:
            joined[key] = copy.deepcopy(release[key])
            moved[key] = key
    joined["funds"] = [*joined["funds"], *(f for f in release["funds"] if f not in joined["funds"])]
    if not joined["funding"] and release["funding"]:
        joined["funding"] = copy.deepcopy(release["funding"])
        moved.update({f"funding[{i}]": f"funding[{i}]" for i in range(len(release["funding"]))})
    else:
        # A source both name: its amount and share, restated where they differ.
        rows = {row["source"]: j for j, row in enumerate(joined["funding"])}
        for i, row in enumerate(release["funding"]):
            j = rows.get(row["source"])
            if j is None:
                continue
            for part in ("amount", "share_pct"):
                ours, theirs = joined["funding"][j][part], row[part]
                if theirs is None or theirs == ours:
                    moved[f"funding[{i}].{part}"] = f"funding[{j}].{part}"
                elif ours is None:
                    joined["funding"][j][part] = theirs
                    moved[f"funding[{i}].{part}"] = f"funding[{j}].{part}"
                else:
                    restate(f"funding[{j}].{part}", theirs)
                    moved[f"funding[{i}].{part}"] = moved.pop(f"funding[{j}].{part}")
    _append_items(joined, release, moved)
    if restated:
        joined["restated"] = restated
    joined["evidence"] = _joined_evidence(joined["evidence"], release["evidence"], moved, default_file)
    if release["notes"]:
        joined["notes"] = "\n".join(n for n in (joined["notes"], release["notes"]) if n)
    return joined


def _append_items(joined: SeedRecord, release: SeedRecord, moved: dict[str, str]) -> None:
    keys: dict[str, Callable[[Any], Any]] = {
        "objectives": lambda o: (o["kind"], o["code"], fold(o["text"])),
        "results": lambda r: (r["level"], r["code"], fold(r["text"])),
        "partners": lambda p: fold(p["name"]),
        "contacts": lambda c: (fold(c["name"]), c["email"]),
    }
    for list_name, key in keys.items():
        items: list[Any] = joined[list_name]  # type: ignore[literal-required]
        seen = {key(item): i for i, item in enumerate(items)}
        for i, item in enumerate(release[list_name]):  # type: ignore[literal-required]
            found = seen.get(key(item))
            if found is None:
                seen[key(item)] = len(items)
                moved[f"{list_name}[{i}]"] = f"{list_name}[{len(items)}]"
                items.append(copy.deepcopy(item))
            elif list_name in ("objectives", "results"):
                # The same item in both releases: its indicators are the release's too.
                mine = items[found]["indicators"]
                for j, indicator in enumerate(item["indicators"]):
                    moved[f"{list_name}[{i}].indicators[{j}]"] = (
                        f"{list_name}[{found}].indicators[{len(mine)}]"
                    )
                    mine.append(copy.deepcopy(indicator))
                moved[f"{list_name}[{i}]"] = f"{list_name}[{found}]"
            else:
                moved[f"{list_name}[{i}]"] = f"{list_name}[{found}]"


def _move(path: str, moved: dict[str, str]) -> str | None:
    """Where the release's evidence path ``path`` lies in the joined record."""
    if path in moved:
        return moved[path]
    # The longest moved prefix decides: objectives[2].indicators[0].value
    # follows objectives[2].indicators[0], or objectives[2].
    best = max(
        (p for p in moved if path.startswith(p + ".") or path.startswith(p + "[")), key=len, default=None
    )
    if best is None:
        return None
    return moved[best] + path[len(best) :]


def _joined_evidence(
    ours: dict[str, list[EvidenceQuote]],
    theirs: dict[str, list[EvidenceQuote]],
    moved: dict[str, str],
    default_file: str | None,
) -> dict[str, list[EvidenceQuote]]:
    joined = {field: list(quotes) for field, quotes in ours.items()}
    for field, quotes in theirs.items():
        target = _move(field, moved)
        if target is None:
            continue  # a part of the release the record does not keep (its own funding rows)
        for quote in quotes:
            item: EvidenceQuote = {"file": quote["file"] or default_file, "quote": quote["quote"]}
            if item not in joined.setdefault(target, []):
                joined[target].append(item)
    return dict(sorted(joined.items()))
