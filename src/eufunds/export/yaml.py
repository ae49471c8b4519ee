"""Seed YAML: one file per project that ``eufunds load`` reads back, with each
project's source texts beside it."""

from __future__ import annotations

import hashlib
import itertools
import re
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from sqlalchemy import (
    Connection,
)

from ..errors import ExportError
from ..read.records import ProjectFilters, iter_records_with_sources
from ..record import ArchiveRecord
from .common import ExportReport, inside_folder, prepare_folder, safe_relative_path

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


# --------------------------------------------------------------------------- records as text


# libyaml's emitter is several times faster than the pure-Python one; the
# representers below run in Python either way.
_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _SeedDumper(_BaseDumper):
    """Writes records as seeds: exact decimals as plain numbers, multi-line text as
    literal blocks, keys in record order."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # The emitter falls back to a quoted style when a literal block cannot hold the text.
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_SeedDumper.add_representer(Decimal, _represent_decimal)
_SeedDumper.add_representer(str, _represent_text)


_SEED_HEADER = "# Exported from the eufunds archive; load with: eufunds load <this folder>\n"


def record_to_yaml(record: ArchiveRecord) -> str:
    """A record as seed YAML that ``eufunds load`` reads back into the same record."""
    data = dict(record)
    # A single quote is written bare, as curators write it.
    data["evidence"] = {k: v[0] if len(v) == 1 else v for k, v in record["evidence"].items()}
    return yaml.dump(
        data, Dumper=_SeedDumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )


# --------------------------------------------------------------------------- yaml


def export_yaml(
    connection: Connection, folder: Path, *, filters: ProjectFilters | None = None
) -> ExportReport:
    """One ``<slug>.yaml`` seed per project with its source texts beside it, so
    that ``eufunds load FOLDER`` into an empty archive rebuilds the same data."""
    root = prepare_folder(folder)
    report = ExportReport("yaml", str(folder), {"projects": 0, "source texts": 0})
    for record, documents in iter_records_with_sources(connection, filters):
        slug = record["slug"]
        if not _SLUG.match(slug):
            raise ExportError(f"project slug {slug!r} is not a valid slug; cannot name its seed file")
        renamed: dict[str, str] = {}
        for i, document in enumerate(documents):
            name = _free_source_name(root, slug, document.file, i)
            if name != document.file:
                renamed[document.file] = name
                report.warnings.append(f"{slug}: source {document.file!r} written as {name!r}")
            data = document.text.encode("utf-8")
            if hashlib.sha256(data).hexdigest() != document.sha256:
                # The archive keeps the decoded text (UTF-8, \n line ends), not the
                # original bytes; a reload will record the new bytes' hash.
                report.warnings.append(
                    f"{slug}: source {name!r} was archived from other bytes (encoding or line ends); "
                    "it is written as UTF-8, so its sha256 will differ after a reload"
                )
            inside_folder(root, PurePosixPath(name)).parent.mkdir(parents=True, exist_ok=True)
            inside_folder(root, PurePosixPath(name)).write_bytes(data)
            report.counts["source texts"] += 1
        if renamed:
            record = _rename_sources(record, renamed)
        seed = _SEED_HEADER + record_to_yaml(record)
        inside_folder(root, PurePosixPath(f"{slug}.yaml")).write_text(seed, encoding="utf-8")
        report.counts["projects"] += 1
    return report


def _free_source_name(root: Path, slug: str, name: str, index: int) -> str:
    """Where a source text goes: its archived name when that is safe and free,
    else the same name in a folder named for the project."""
    relative = safe_relative_path(name, fallback=f"source-{index}.txt")
    if relative.suffix.lower() in (".yaml", ".yml"):
        # The loader takes every *.yaml in the folder for a seed.
        relative = relative.with_name(relative.name + ".txt")
    candidates = itertools.chain(
        [relative, PurePosixPath(slug) / relative.name],
        (PurePosixPath(slug) / f"{relative.stem}-{n}{relative.suffix}" for n in range(2, 1000)),
    )
    for candidate in candidates:
        # Existing files are this export's own: the folder started empty.
        if not inside_folder(root, candidate).exists():
            return candidate.as_posix()
    raise ExportError(f"{slug}: no free file name for source {name!r}")  # pragma: no cover


def _rename_sources(record: ArchiveRecord, renamed: dict[str, str]) -> ArchiveRecord:
    record = record.copy()
    record["sources"] = [{**s, "file": renamed.get(s["file"], s["file"])} for s in record["sources"]]
    record["evidence"] = {
        fld: [{**q, "file": renamed.get(q["file"], q["file"])} if isinstance(q, dict) else q for q in quotes]
        for fld, quotes in record["evidence"].items()
    }
    return record
