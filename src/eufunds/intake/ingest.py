"""Drafts on paper and in the archive: render an extraction, and ingest releases as seeds.

``render_yaml`` writes a draft in seed format with, beside each value, a comment
naming the line it came from and quoting it — what a curator reads to check a
draft. ``render_json`` gives the same as data, with a ``provenance`` mapping.
``ingest_files`` turns releases into seeds: it extracts each one, writes
``<seeds>/<slug>.yaml`` with the release copied beside it (named in
``sources``), validates the pair with the seed reader and loads it through the
loader — refusing to overwrite an existing seed (a curator's work) unless told
to, and writing nothing at all when any release fails.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine

from ..errors import IngestError
from ..extract import Extraction, Span, extract_release
from ..jsontext import to_json
from ..load.loader import LoadReport, load_paths
from ..seed.format import SeedError, read_seed
from ..text import decode_release

__all__ = [
    "IngestError",
    "IngestPlan",
    "IngestResult",
    "draft_as_dict",
    "extract_file",
    "ingest_files",
    "plan_ingest",
    "render_json",
    "render_yaml",
]


def extract_file(path: Path) -> Extraction:
    """Read a release file (any of the encodings releases come in) and extract it."""
    return extract_release(decode_release(path.read_bytes()), file_name=path.name)


# --- rendering ---------------------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = yaml.safe_dump(str(value), allow_unicode=True, default_flow_style=True, width=10**9)
    return text.removesuffix("\n...\n").rstrip("\n")


def _comment(span: Span | None) -> str:
    if span is None:
        return ""
    return f'  # line {span.line}: "{span.context}"'


def _emit(value: Any, path: str, indent: int, out: list[str], prov: dict[str, Span], key: str) -> None:
    pad = "  " * indent
    head = f"{pad}{key}:" if key else ""
    if isinstance(value, dict):
        if not value:
            out.append(f"{head} {{}}")
            return
        if key:
            out.append(head)
        for child_key, child in value.items():
            child_path = f"{path}.{child_key}" if path else child_key
            _emit(child, child_path, indent + (1 if key else 0), out, prov, child_key)
        return
    if isinstance(value, list):
        if not value:
            out.append(f"{head} []{_comment(prov.get(path))}")
            return
        out.append(head)
        for index, item in enumerate(value):
            item_path = f"{path}[{index}]"
            if isinstance(item, dict) and item:
                lines: list[str] = []
                for child_key, child in item.items():
                    _emit(child, f"{item_path}.{child_key}", indent + 2, lines, prov, child_key)
                first = lines[0].lstrip()
                lines[0] = f"{pad}  - {first}"
                out.extend(lines)
            else:
                out.append(f"{pad}  - {_scalar(item)}{_comment(prov.get(item_path))}")
        return
    out.append(f"{head} {_scalar(value)}{_comment(prov.get(path))}")


def render_yaml(extraction: Extraction, *, comments: bool = True, evidence: bool = False) -> str:
    """The draft as seed YAML; with ``comments``, each value is followed by its source line."""
    prov = extraction.provenance if comments else {}
    lines: list[str] = []
    name = extraction.file_name or "release"
    lines.append(f"# Drafted by `eufunds extract` from {name}; check every value against its line.")
    for key, value in extraction.record.items():
        _emit(value, key, 0, lines, prov, key)
    if evidence and extraction.provenance:
        lines.append("evidence:")
        for path, span in extraction.provenance.items():
            lines.append(f"  {path}: {_scalar(span.context)}")
    lines.append("notes: Drafted automatically by eufunds extract; not yet checked by a curator.")
    return "\n".join(lines) + "\n"


def draft_as_dict(extraction: Extraction) -> dict[str, Any]:
    """Record and provenance as plain data, for ``eufunds.jsontext``."""
    return {
        "file": extraction.file_name,
        "record": extraction.record,
        "provenance": {path: span.as_dict() for path, span in extraction.provenance.items()},
    }


def render_json(extractions: list[Extraction]) -> str:
    """A JSON list of drafts, each ``{file, record, provenance}``."""
    return to_json([draft_as_dict(e) for e in extractions], indent=2)


# --- ingest --------------------------------------------------------------------


@dataclass
class IngestPlan:
    """What ingesting one release will do."""

    release: Path
    seed_path: Path
    source_copy: Path
    extraction: Extraction
    yaml_text: str
    overwrites: bool

    @property
    def slug(self) -> str:
        return str(self.extraction.record["slug"])


@dataclass
class IngestResult:
    plans: list[IngestPlan] = field(default_factory=list)
    report: LoadReport | None = None
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would write" if self.dry_run else "wrote"
        lines = [
            f"{plan.release} → {verb} {plan.seed_path}"
            + (" (overwriting)" if plan.overwrites else "")
            + f" and {plan.source_copy.name}"
            for plan in self.plans
        ]
        if self.report is not None:
            lines.append(self.report.summary())
        return "\n".join(lines)


def plan_ingest(files: list[Path], seeds_dir: Path, *, force: bool = False) -> list[IngestPlan]:
    """Extract every release and check the drafts would make valid, new seeds."""
    plans: list[IngestPlan] = []
    problems: list[str] = []
    slugs: dict[str, Path] = {}
    for path in files:
        try:
            extraction = extract_file(path)
        except OSError as exc:
            problems.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        record = extraction.record
        slug = str(record["slug"])
        if slug in slugs:
            problems.append(f"{path}: slug {slug!r} is also drafted from {slugs[slug]}")
            continue
        slugs[slug] = path
        seed_path = seeds_dir / f"{slug}.yaml"
        source_copy = seeds_dir / path.name
        overwrites = seed_path.exists()
        if overwrites and not force:
            problems.append(
                f"{path}: {seed_path} already exists (a curated seed?); use --force to overwrite it"
            )
            continue
        if source_copy.exists() and source_copy.read_bytes() != path.read_bytes() and not force:
            problems.append(f"{path}: a different {source_copy} already exists; use --force")
            continue
        text = render_yaml(extraction, comments=True, evidence=True)
        problems.extend(_validate(path, text))
        plans.append(IngestPlan(path, seed_path, source_copy, extraction, text, overwrites))
    if problems:
        raise IngestError(problems)
    return plans


def _validate(release: Path, yaml_text: str) -> list[str]:
    """Check a draft with the seed reader, in a scratch folder holding the release beside it."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copyfile(release, folder / release.name)
        seed = folder / "draft.yaml"
        seed.write_text(yaml_text, encoding="utf-8")
        try:
            read_seed(seed, label=f"draft of {release}")
        except SeedError as exc:
            return [str(problem) for problem in exc.problems]
    return []


def ingest_files(
    engine: Engine | None,
    files: list[Path],
    *,
    seeds_dir: Path = Path("seeds"),
    force: bool = False,
    dry_run: bool = False,
) -> IngestResult:
    """Extract releases, write them as seeds beside their sources, and load them.

    Raises ``IngestError`` before writing anything when a draft is not a valid
    seed or would overwrite one without ``force``; loading errors come from the
    loader (``LoadError``).
    """
    plans = plan_ingest(files, seeds_dir, force=force)
    result = IngestResult(plans=plans, dry_run=dry_run)
    if dry_run:
        return result
    seeds_dir.mkdir(parents=True, exist_ok=True)
    for plan in plans:
        if plan.release.resolve() != plan.source_copy.resolve():
            shutil.copyfile(plan.release, plan.source_copy)
        plan.seed_path.write_text(plan.yaml_text, encoding="utf-8")
    if engine is not None and plans:
        result.report = load_paths(engine, [plan.seed_path for plan in plans])
    return result
