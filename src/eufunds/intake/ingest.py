"""Drafts on paper and in the archive: render an extraction, and ingest releases as seeds.

``render_yaml`` writes a draft in seed format with, beside each value, a comment
naming the line (and, for a PDF, the page) it came from and quoting it — what a
curator reads to check a draft. ``render_json`` gives the same as data, with a
``provenance`` mapping. ``ingest`` turns releases — files of any format
``eufunds.intake.sources`` reads, folders of them, http(s) URLs — into seeds:
each is read and extracted (in several processes for a batch), written as
``<seeds>/<slug>.yaml`` beside the text the extractor read (and a copy of the
original when that is not plain text), validated with the seed reader, loaded
through the loader, and its original bytes recorded in the archive
(``eufunds.intake.store``). Each release stands alone: one that cannot be read,
or whose draft is not a valid new seed, is refused with its reason and the
rest go on. A release whose original bytes the archive already holds is
skipped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import yaml
from sqlalchemy import Engine

from .. import settings
from ..errors import ArchiveError, IngestError, IntakeError, LoadError
from ..extract import Extraction, extract_release
from ..extract.identity import slugify
from ..jsontext import to_json
from ..load.loader import LoadReport, load_seeds
from ..seed.format import (
    MAX_SEED_BYTES,
    Seed,
    SeedError,
    SeedProblem,
    plain_scalar,
    read_seed,
    seed_from_data,
)
from ..text import decode_release, terminal_safe
from .fetch import FetchLimits, is_url
from .joining import JoinTarget, archived_identity, find_join, with_release
from .sources import MAX_RELEASE_BYTES, SourceFile, read_release, read_release_url

__all__ = [
    "Draft",
    "IngestError",
    "IngestOutcome",
    "IngestResult",
    "draft_as_dict",
    "draft_release",
    "extract_file",
    "ingest",
    "ingest_files",
    "read_item",
    "release_items",
    "render_json",
    "render_yaml",
]


class _SpanLike(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def quote(self) -> str: ...
    @property
    def context(self) -> str: ...


@dataclass
class Draft:
    """One release read and extracted: the source as received and the draft record."""

    source: SourceFile
    extraction: Extraction

    def page_of(self, span: _SpanLike) -> int | None:
        return self.source.page_of(span.start)


def read_item(item: str | Path, *, ocr: bool = False, limits: FetchLimits | None = None) -> SourceFile:
    """A release named on the command line: an http(s) URL or a file path."""
    if isinstance(item, str) and is_url(item):
        return read_release_url(item, limits=limits, ocr=ocr)
    return read_release(Path(item), ocr=ocr)


def draft_release(source: SourceFile, *, file_name: str | None = None) -> Draft:
    """Extract the text read from ``source``; ``file_name`` is what the draft's
    ``sources`` names (the text file saved beside the seed)."""
    return Draft(source, extract_release(source.text, file_name=file_name or source.name))


def extract_file(path: Path, *, ocr: bool = False) -> Extraction:
    """Read a release file of any supported format and extract it."""
    return draft_release(read_release(path, ocr=ocr)).extraction


# --- rendering ---------------------------------------------------------------


# libyaml's emitter: the pure-Python one costs a draft most of its time, and it
# writes U+0085 in a single-quoted scalar as a line break that reads back as a
# space, where libyaml escapes it.
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _scalar(value: Any, dumped: Mapping[str, str] | None = None) -> str:
    """``value`` as a YAML scalar; a text found in ``dumped`` (``_dumped_texts``)
    is taken from there."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if dumped is not None and text in dumped:
        return dumped[text]
    out = yaml.dump(text, Dumper=_Dumper, allow_unicode=True, default_flow_style=True, width=10**9)
    return out.removesuffix("\n...\n").rstrip("\n")


# What YAML reads as a line break: a text holding one may be written over several lines.
_YAML_BREAK = re.compile("[\n\r\x85\u2028\u2029]")


def _dumped_texts(texts: Iterable[str]) -> dict[str, str]:
    """Each one-line text as ``_scalar`` writes it alone, from one libyaml call
    for them all: setting up a dumper per scalar cost drafting most of its
    time. An item of a block list is written as the same scalar as a whole
    document (the style is chosen alike: neither is inside a flow collection
    or a key), and one with no line break takes one line, after ``- ``."""
    unique = list(dict.fromkeys(text for text in texts if not _YAML_BREAK.search(text)))
    if not unique:
        return {}
    try:
        out = yaml.dump(unique, Dumper=_Dumper, allow_unicode=True, default_flow_style=False, width=10**9)
    except (UnicodeError, yaml.YAMLError):
        return {}  # ``_scalar`` meets the text that fails on its own, and says so as before
    lines = out.split("\n")
    if len(lines) != len(unique) + 1 or lines[-1] or not all(line.startswith("- ") for line in lines[:-1]):
        return {}  # not one line each after all: ``_scalar`` dumps them one by one
    return {text: line[2:] for text, line in zip(unique, lines[:-1], strict=True)}


def _texts_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child in value.values():
            yield from _texts_in(child)
    elif isinstance(value, list):
        for child in value:
            yield from _texts_in(child)


def _comment(span: _SpanLike | None, pages: SourceFile | None = None) -> str:
    if span is None:
        return ""
    page = pages.page_of(span.start) if pages is not None else None
    where = f"page {page}, line {span.line}" if page is not None else f"line {span.line}"
    # A comment ends at the line's end and is read on a terminal: controls escaped.
    return f'  # {where}: "{terminal_safe(span.context, one_line=True)}"'


# What the seed reader reads back from a draft is known while it is written:
# each value, the line it starts on. Taking both from the writer spares the
# worker parsing its own YAML again (a third of checking a draft). Only what is
# plainly the same both ways is taken so; anything else (a key that is not a
# field path, a character YAML reads as a line break or refuses) leaves the
# check to the seed reader on the text itself.
_FIELD_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])*")
# Characters that YAML refuses in a stream, reads as a line break other than
# \n, or takes as a byte-order mark: never in a draft read back unparsed.
_NOT_READ_BACK = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_NOTES = "Drafted automatically by eufunds extract; not yet checked by a curator."


# Whether a key reads back as written, for the keys met so far: every draft
# repeats the seed's keys and field paths. Bounded, so odd records cannot grow it.
_plain_keys: dict[str, bool] = {}
_PLAIN_KEYS_MAX = 4096


class _Unusual(Exception):
    """A draft whose reading back is left to the seed reader."""


class _Drafter:
    """Writes a draft's YAML lines; with ``read_back``, also what the seed
    reader will read from them (``data``) and where each field's value starts
    (``marks``: field path → index of the line in ``out``)."""

    def __init__(
        self,
        prov: Mapping[str, _SpanLike],
        pages: SourceFile | None,
        dumped: Mapping[str, str],
        read_back: bool,
    ) -> None:
        self.out: list[str] = []
        self.prov, self.pages, self.dumped, self.read_back = prov, pages, dumped, read_back
        self.marks: dict[str, int] = {}

    def mark(self, path: str) -> None:
        """``path``'s value starts on the next line written."""
        if self.read_back:
            self.marks[path] = len(self.out)

    def scalar(self, value: Any) -> Any:
        """``value`` as the seed reader reads the scalar ``_scalar`` writes for it."""
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int | Decimal | dt.date):
            try:
                return plain_scalar(_scalar(value))
            except SeedError:
                raise _Unusual from None
        return str(value)

    def put(self, mapping: dict[str, Any], key: Any, value: Any) -> None:
        if self.read_back:
            text = str(key)
            plain = _plain_keys.get(text)
            if plain is None:
                plain = bool(_FIELD_KEY.fullmatch(text)) and plain_scalar(text) == text
                if len(_plain_keys) < _PLAIN_KEYS_MAX:
                    _plain_keys[text] = plain
            if not plain or text in mapping:
                raise _Unusual
            mapping[text] = value

    def emit(self, value: Any, path: str, indent: int, key: str) -> Any:
        out, prov, pages, dumped = self.out, self.prov, self.pages, self.dumped
        pad = "  " * indent
        head = f"{pad}{key}:" if key else ""
        if isinstance(value, dict):
            if not value:
                self.mark(path)
                out.append(f"{head} {{}}")
                return {}
            if key:
                out.append(head)
            self.mark(path)
            mapping: dict[str, Any] = {}
            for child_key, child in value.items():
                child_path = f"{path}.{child_key}" if path else child_key
                got = self.emit(child, child_path, indent + (1 if key else 0), child_key)
                self.put(mapping, child_key, got)
            return mapping
        if isinstance(value, list):
            if not value:
                self.mark(path)
                out.append(f"{head} []{_comment(prov.get(path), pages)}")
                return []
            out.append(head)
            self.mark(path)
            items: list[Any] = []
            for index, item in enumerate(value):
                item_path = f"{path}[{index}]"
                if isinstance(item, dict) and item:
                    first = len(out)
                    self.mark(item_path)
                    mapping = {}
                    for child_key, child in item.items():
                        got = self.emit(child, f"{item_path}.{child_key}", indent + 2, child_key)
                        self.put(mapping, child_key, got)
                    out[first] = f"{pad}  - {out[first].lstrip()}"
                    items.append(mapping)
                else:
                    self.mark(item_path)
                    out.append(f"{pad}  - {_scalar(item, dumped)}{_comment(prov.get(item_path), pages)}")
                    if self.read_back:
                        items.append(self.scalar(item))
            return items
        self.mark(path)
        out.append(f"{head} {_scalar(value, dumped)}{_comment(prov.get(path), pages)}")
        return self.scalar(value) if self.read_back else None


def render_yaml(
    extraction: Extraction,
    *,
    comments: bool = True,
    evidence: bool = False,
    source: SourceFile | None = None,
) -> str:
    """The draft as seed YAML; with ``comments``, each value is followed by its source
    line (and page, when ``source`` is a PDF)."""
    return _draft(
        extraction.record,
        extraction.provenance,
        extraction.file_name,
        comments=comments,
        evidence=evidence,
        source=source,
    )[0]


def _draft(
    record: dict[str, Any],
    provenance: Mapping[str, _SpanLike],
    file_name: str | None,
    *,
    comments: bool,
    evidence: bool,
    source: SourceFile | None,
    read_back: bool = False,
) -> tuple[str, Any, dict[str, int] | None]:
    """The draft's YAML text; with ``read_back``, also the data and the line of
    each field the seed reader will read from it (None, None when that is
    better left to the seed reader: see ``_Drafter``)."""
    prov = provenance if comments else {}
    name = file_name or "release"
    if source is not None and source.name != name:
        name = f"{name}, the text of {source.name} ({source.media_type})"
    contexts = [span.context for span in provenance.values()] if evidence else []
    dumped = _dumped_texts([*_texts_in(record), *contexts])
    drafter = _Drafter(prov, source, dumped, read_back)
    out = drafter.out
    out.append(f"# Drafted by `eufunds extract` from {name}; check every value against its line.")
    data: dict[str, Any] = {}
    try:
        drafter.mark("")
        for key, value in record.items():
            drafter.put(data, key, drafter.emit(value, key, 0, key))
        if evidence and provenance:
            out.append("evidence:")
            drafter.mark("evidence")
            quotes: dict[str, Any] = {}
            for (path, _), context in zip(provenance.items(), contexts, strict=True):
                drafter.mark(f"evidence.{path}")
                out.append(f"  {path}: {_scalar(context, dumped)}")
                drafter.put(quotes, path, context)
            drafter.put(data, "evidence", quotes)
        drafter.mark("notes")
        out.append(f"notes: {_NOTES}")
        drafter.put(data, "notes", _NOTES)
    except _Unusual:
        drafter.read_back = False
    text = "\n".join(out) + "\n"
    if not drafter.read_back or _YAML_BREAK.search(out[0]) or _NOT_READ_BACK.search(text):
        return text, None, None
    # The line each of ``out``'s entries starts on: an entry may span several lines.
    starts, line = [], 1
    for entry in out:
        starts.append(line)
        line += 1 + entry.count("\n")
    return text, data, {path: starts[index] for path, index in drafter.marks.items()}


def draft_as_dict(extraction: Extraction | Draft) -> dict[str, Any]:
    """Record and provenance as plain data, for ``eufunds.jsontext``; a ``Draft`` adds
    its source (media type, size, SHA-256, origin) and each span's page."""
    source = extraction.source if isinstance(extraction, Draft) else None
    if isinstance(extraction, Draft):
        extraction = extraction.extraction
    provenance = {}
    for path, span in extraction.provenance.items():
        entry = span.as_dict()
        if source is not None and source.page_starts:
            entry["page"] = source.page_of(span.start)
        provenance[path] = entry
    out: dict[str, Any] = {"file": extraction.file_name}
    if source is not None:
        out["source"] = {
            "name": source.name, "media_type": source.media_type, "size": source.size,
            "sha256": source.sha256, "origin": source.origin, "pages": len(source.page_starts) or None,
        }  # fmt: skip
    out["record"] = extraction.record
    out["provenance"] = provenance
    return out


def render_json(extractions: Sequence[Extraction | Draft]) -> str:
    """A JSON list of drafts, each ``{file, source, record, provenance}``."""
    return to_json([draft_as_dict(e) for e in extractions], indent=2)


# --- ingest --------------------------------------------------------------------

# Releases per batch: a batch is read in parallel, written, loaded in one
# transaction and its sources recorded before the next starts, so memory holds
# one batch's original bytes (at most BATCH_BYTES, plus one file) and a rerun
# after an interruption finds the finished batches in the archive.
BATCH_FILES = 256
BATCH_BYTES = 64 * 1024 * 1024
# Names never taken as releases in a folder: seeds, and what ingest writes itself.
_NOT_RELEASES = (".yaml", ".yml")


@dataclass
class _Span:
    """A provenance span as plain data, sent back from a worker process; its
    context is found once (the draft quotes it twice, and it is the costliest
    part of a span)."""

    line: int
    start: int
    end: int
    quote: str
    context: str


@dataclass
class _Prepared:
    """A release read, extracted and checked in a worker; rendered and written by the caller."""

    item: str
    source: SourceFile
    record: dict[str, Any]
    provenance: dict[str, _Span]
    text_is_original: bool
    # The draft as checked, under the names the worker chose, and the seed the
    # check read from it, handed to the loader as it is; the writer renders the
    # draft again only when it has to rename the project or its text (and the
    # loader reads it from its file only when the renamed draft's data cannot
    # vouch for it: see ``_read_back``).
    yaml_text: str
    seed: Seed


@dataclass
class IngestOutcome:
    """What happened to one release: drafted (seed written), loaded, skipped or refused."""

    item: str
    status: str
    reason: str | None = None
    slug: str | None = None
    seed_path: Path | None = None
    files: list[str] = field(default_factory=list)
    # "<project> (<why>)" when the release joined a project already in the archive.
    joined: str | None = None


@dataclass
class IngestResult:
    outcomes: list[IngestOutcome] = field(default_factory=list)
    report: LoadReport | None = None
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def refused(self) -> list[IngestOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "refused"]

    def summary(self) -> str:
        verb = "would write" if self.dry_run else "wrote"
        lines = [
            f"{outcome.item} → {verb} {outcome.seed_path}"
            + (f" and {', '.join(outcome.files)}" if outcome.files else "")
            + (f", joining {outcome.joined}" if outcome.joined else "")
            for outcome in self.outcomes
            if outcome.status in ("drafted", "loaded") and len(self.outcomes) <= 20
        ]
        total = len(self.outcomes)
        drafted = self.count("drafted") + self.count("loaded")
        counts = [f"{drafted} drafted"]
        if not self.dry_run:
            counts.append(f"{self.count('loaded')} loaded")
        counts.append(f"{self.count('skipped')} skipped (already in the archive)")
        counts.append(f"{self.count('refused')} refused")
        lines.append(f"{total} release{'s' if total != 1 else ''}: " + ", ".join(counts))
        for outcome in self.refused:
            lines.append(f"  refused {outcome.item}: {outcome.reason}")
        if self.report is not None and self.report.total:
            lines.append(self.report.summary())
        return "\n".join(lines)


def release_items(paths: Iterable[str | Path]) -> Iterator[str]:
    """Every release a command line names: URLs and files as given, folders walked
    (sorted, hidden entries and seed YAML left out, symbolic links to folders not entered)."""
    for raw in paths:
        item = str(raw)
        if is_url(item) and not Path(item).exists():
            yield item
            continue
        path = Path(item)
        try:
            is_folder = path.is_dir()
        except OSError:  # a name too long for the system: reading it refuses it, item by item
            is_folder = False
        if not is_folder:
            yield item
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or name.lower().endswith(_NOT_RELEASES):
                    continue
                yield str(Path(folder) / name)


def _prepare(item: str, ocr: bool, limits: FetchLimits | None) -> _Prepared | IngestOutcome:
    """Read, extract and validate one release; a refusal instead of any exception."""
    try:
        source = read_item(item, ocr=ocr, limits=limits)
        # A text named *.yaml is kept under another name: in the seeds folder
        # it would be read as a seed.
        text_is_original = (
            source.media_type == "text/plain"
            and not source.name.lower().endswith(_NOT_RELEASES)
            and _decodes_to(source)
        )
        name = _text_name(source, text_is_original)
        extraction = draft_release(source, file_name=name).extraction
        provenance = {
            path: _Span(span.line, span.start, span.end, span.quote, span.context)
            for path, span in extraction.provenance.items()
        }
        yaml_text, data, lines = _draft(
            extraction.record, provenance, name, comments=True, evidence=True, source=source, read_back=True
        )
        checked = _check(source.text_bytes, name, yaml_text, f"{extraction.record['slug']}.yaml", data, lines)
        if isinstance(checked, list):
            return IngestOutcome(item, "refused", "draft is not a valid seed: " + "; ".join(checked))
        return _Prepared(item, source, extraction.record, provenance, text_is_original, yaml_text, checked)
    except IntakeError as exc:
        return IngestOutcome(item, "refused", _without_item(str(exc), item))
    except Exception as exc:  # a reader library's bug on hostile input must not stop the batch
        return IngestOutcome(item, "refused", f"cannot be read ({type(exc).__name__}: {exc})")


def _without_item(message: str, item: str) -> str:
    return message.removeprefix(f"{item}: ")


def _decodes_to(source: SourceFile) -> bool:
    """Whether the original bytes, read back by the seed reader, are the text extracted."""
    try:
        return decode_release(source.data) == source.text
    except Exception:
        return False


def _original_name(source: SourceFile) -> str:
    name = source.name
    if not name.lower().endswith(source.extension) and not (
        source.extension == ".html" and name.lower().endswith(".htm")
    ):
        name += source.extension
    return name


def _text_name(source: SourceFile, text_is_original: bool) -> str:
    if text_is_original:
        return source.name
    name = _original_name(source)
    return f"{name}.txt" if source.media_type != "text/plain" else f"{Path(name).stem}.utf8.txt"


def _check(
    text_bytes: bytes,
    text_name: str,
    yaml_text: str,
    seed_name: str,
    data: Any,
    lines: dict[str, int] | None,
) -> Seed | list[str]:
    """``_validate``'s answer, from the data and lines the draft was written
    with (``_draft``) when there are any and they make a valid seed; the seed
    reader reads the text itself otherwise, and says in its own words what is
    wrong with it."""
    seed = _read_back(
        text_bytes, text_name, yaml_text, data, lines, path=Path("draft.yaml"), label="draft", name=seed_name
    )
    if seed is None:
        return _validate(text_bytes, text_name, yaml_text, seed_name)
    seed.fingerprint()
    return seed


def _read_back(
    text_bytes: bytes,
    text_name: str,
    yaml_text: str,
    data: Any,
    lines: dict[str, int] | None,
    *,
    path: Path,
    label: str,
    name: str,
) -> Seed | None:
    """The seed read from ``yaml_text`` at ``path`` beside its text, taken
    from the data and lines the draft was written with; None when they cannot
    vouch for it or it is not valid (the seed reader reads the text then)."""
    # (A text of at most a quarter of the limit in characters is within it in UTF-8 bytes.)
    if lines is None or len(yaml_text) > MAX_SEED_BYTES // 4:
        return None
    try:
        return seed_from_data(
            data, lines, path=path, label=label, name=name, source_bytes={text_name: text_bytes}
        )
    except SeedError:
        return None


def _validate(text_bytes: bytes, text_name: str, yaml_text: str, seed_name: str) -> Seed | list[str]:
    """Check a draft with the seed reader, in a scratch folder holding its text
    beside it: the seed read, named ``seed_name``, or the problems found."""
    with tempfile.TemporaryDirectory(prefix="eufunds-draft-") as scratch:
        folder = Path(scratch)
        (folder / text_name).write_bytes(text_bytes)
        draft = folder / "draft.yaml"
        draft.write_text(yaml_text, encoding="utf-8")
        try:
            seed = read_seed(draft, label="draft", name=seed_name)
        except SeedError as exc:
            return [str(problem).removeprefix("draft: ") for problem in exc.problems]
    seed.fingerprint()  # here, in the worker, while the writer handles other releases
    return seed


def _prepared_iter(
    items: list[str], ocr: bool, limits: FetchLimits | None, workers: int
) -> Iterator[_Prepared | IngestOutcome]:
    if workers <= 1 or len(items) <= 1:
        for item in items:
            yield _prepare(item, ocr, limits)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(workers, len(items))) as pool:
        chunk = max(1, min(16, len(items) // (workers * 4)))
        yield from pool.map(_prepare, items, [ocr] * len(items), [limits] * len(items), chunksize=chunk)


# A release ready to write: its outcome, what was read, the files to write,
# the SHA-256 of the text file its seed names, and its seed for the loader
# (the seed file's path when a renamed draft is left for the loader to read).
_Entry = tuple[IngestOutcome, _Prepared, list[tuple[Path, bytes]], str, Seed | Path]


# Words that say what kind of body a beneficiary is, in any case form: what
# is left names the body ("Comuna Lazuri", "UAT Comuna Lazuri" and "Primăria
# Comunei Lazuri" all leave "lazuri"; "Județul Alba" and "Consiliul Județean
# Alba" leave "alba").
_KIND_OF_BODY = frozenset({
    "uat", "unitatea", "unitatii", "administrativ", "teritoriala", "teritoriale", "comuna", "comunei",
    "primaria", "primariei", "oras", "orasul", "orasului", "municipiul", "municipiului", "judetul",
    "judetului", "judetean", "judetene", "consiliul", "consiliului", "local", "locale",
})  # fmt: skip


def _others(one: str, other: str) -> bool:
    """Whether two beneficiaries' slugs name two bodies for sure: "comuna-lazuri"
    and "uat-comuna-bucerdea-granoasa" do; "comuna-lazuri" and "primaria-
    comunei-lazuri" may be one body named twice, and a project split in two is
    worse than a release refused with its reason."""
    words = set(one.split("-")) - _KIND_OF_BODY
    others = set(other.split("-")) - _KIND_OF_BODY
    return bool(words) and bool(others) and not (words <= others or others <= words)


class _Writer:
    """Decides names, writes seeds and texts, loads and records one batch at a time."""

    def __init__(self, engine: Engine | None, seeds_dir: Path, force: bool, dry_run: bool):
        self.engine = engine
        self.seeds_dir = seeds_dir
        self.force = force
        self.dry_run = dry_run
        self.slugs: dict[str, str] = {}
        # Slug → the project code and beneficiary of the release that took it.
        self.taken: dict[str, tuple[str | None, str | None]] = {}
        self.claimed: dict[str, str] = {}
        self.report = LoadReport(keep_slugs=False)
        self.loaded_any = False
        self.checked_schema = False
        self.has_schema: bool | None = None
        # A project seed's text as this run will have left it (releases added).
        self.seed_texts: dict[Path, str] = {}

    def _free(self, name: str, data: bytes, item: str) -> str | None:
        """``name`` if a file of that name may be (re)written with ``data`` here, else why not."""
        claimant = self.claimed.get(name)
        if claimant is not None and claimant != item:
            return f"{name} is also the name of a file from {claimant}"
        target = self.seeds_dir / name
        if target.exists() and not self.force and target.read_bytes() != data:
            return f"a different {target} already exists; rename the release or use --force"
        return None

    def _slug(self, record: dict[str, Any]) -> tuple[str, tuple[str | None, str | None]]:
        """The draft's slug, or — when another release of this run, or a
        project an earlier run put in, took it for another project — the slug
        followed by this one's code or, with no code to tell them apart, by its
        beneficiary's name: a slug keeps only six words of the title, distinct
        projects of one beneficiary often share them, and a programme's calls
        give many beneficiaries one title ("Dotarea cu mobilier, materiale
        didactice și echipamente digitale a …" in PNRR). Releases with the same
        code, or where one has none and their beneficiaries may be one body,
        are the same project as far as a draft can tell, and the second is
        refused, naming the first. Also returned: this release's code and
        beneficiary, which the slug keeps once the release takes it."""
        slug = str(record["slug"])
        codes = record.get("codes") or {}
        code = codes.get("mysmis") or codes.get("sipoca")
        name = (record.get("beneficiary") or {}).get("name")
        beneficiary = slugify(name) if name else None
        taken = self.taken.get(slug) if slug in self.slugs else self._archived(slug)
        if taken is not None:
            taken_code, taken_beneficiary = taken
            if code and taken_code and taken_code != code:
                slug = f"{slug}-{code}"
            elif (
                # One release without a code says nothing against the other's:
                # their beneficiaries tell two projects apart, or do not.
                (code is None or taken_code is None)
                and beneficiary
                and taken_beneficiary
                and _others(beneficiary, taken_beneficiary)
            ):
                slug = f"{slug}-{beneficiary}"
        return slug, (code, beneficiary)

    def _archived(self, slug: str) -> tuple[str | None, str | None] | None:
        """The code and beneficiary of the project an earlier run put in under
        ``slug`` (its seed is in the folder), as ``_slug`` compares them."""
        if not (self.seeds_dir / f"{slug}.yaml").exists() or not self._archive_ready():
            return None
        assert self.engine is not None
        found = archived_identity(self.engine, slug)
        return None if found is None else (found[0], slugify(found[1]))

    def place(self, prepared: _Prepared) -> _Entry | IngestOutcome:
        """What to write and load for one release, or why it is refused."""
        item, source, record = prepared.item, prepared.source, prepared.record
        found = find_join(self.engine, record) if self.engine is not None and self._archive_ready() else None
        if found is not None and (self.seeds_dir / found.seed_file).is_file():
            return self._place_joined(prepared, found)
        slug, identity = self._slug(record)
        if slug in self.slugs:
            reason = f"slug {slug!r} is also drafted from {self.slugs[slug]}"
            return IngestOutcome(item, "refused", reason)
        seed_path = self.seeds_dir / f"{slug}.yaml"
        text_name = _text_name(source, prepared.text_is_original)
        files: list[tuple[str, bytes]] = [(text_name, source.text_bytes)]
        if not prepared.text_is_original:
            files.append((_original_name(source), source.data))
        for name, data in files:
            problem = self._free(name, data, item)
            if problem:
                # Another release of the same name: keep both, the later one under its slug.
                renamed = [(f"{slug}--{n}", d) for n, d in files]
                if any(self._free(n, d, item) for n, d in renamed):
                    return IngestOutcome(item, "refused", problem)
                files = renamed
                text_name = files[0][0]
                break
        if seed_path.exists() and not self.force:
            same_text = (self.seeds_dir / text_name).exists() and (
                (self.seeds_dir / text_name).read_bytes() == source.text_bytes
            )
            if not same_text:
                reason = f"{seed_path} already exists (a curated seed?); use --force to overwrite it"
                return IngestOutcome(item, "refused", reason)
        self.slugs[slug] = item
        self.taken[slug] = identity  # only now: a release refused above takes no slug
        for name, _ in files:
            self.claimed[name] = item
        seed: Seed | Path
        if slug == record["slug"] and text_name == _text_name(source, prepared.text_is_original):
            yaml_text = prepared.yaml_text
            seed = prepared.seed.as_read_from(seed_path)
        else:
            record = dict(record, slug=slug)
            record["sources"] = [dict(record["sources"][0], file=text_name), *record["sources"][1:]]
            yaml_text, data, lines = _draft(
                record, prepared.provenance, text_name, comments=True, evidence=True, source=source,
                read_back=True,
            )  # fmt: skip
            # The seed the loader would read from the file once written, or the file.
            read_back = _read_back(
                source.text_bytes, text_name, yaml_text, data, lines,
                path=seed_path, label=str(seed_path), name=seed_path.name,
            )  # fmt: skip
            seed = seed_path if read_back is None else read_back.as_read_from(seed_path)
        writes = [(self.seeds_dir / name, data) for name, data in files]
        writes.append((seed_path, yaml_text.encode("utf-8")))
        outcome = IngestOutcome(
            item, "drafted", slug=slug, seed_path=seed_path, files=[name for name, _ in files]
        )
        return outcome, prepared, writes, _sha256(source.text_bytes), seed

    def _archive_ready(self) -> bool:
        """Whether there is an archive with a schema to look for projects in;
        without one, the first write says so (``flush``)."""
        if self.engine is None:
            return False
        if self.has_schema is None:
            self.has_schema = _has_schema(self.engine)
        return self.has_schema

    def _place_joined(self, prepared: _Prepared, found: JoinTarget) -> _Entry | IngestOutcome:
        """A release of a project already in the archive: its draft names the
        project under ``joins`` and the project's seed lists it under
        ``releases``; the project's seed is what is loaded."""
        item, source, record = prepared.item, prepared.source, prepared.record
        kind = record["sources"][0]["kind"] if record.get("sources") else "other"
        slug = f"{found.slug}-{kind}"
        number = 1
        while (self.seeds_dir / f"{slug}.yaml").exists() or slug in self.slugs:
            number += 1
            slug = f"{found.slug}-{kind}-{number}"
        self.slugs[slug] = item
        seed_path = self.seeds_dir / f"{slug}.yaml"
        text_name = f"{slug}{Path(_text_name(source, prepared.text_is_original)).suffix or '.txt'}"
        files: list[tuple[str, bytes]] = [(text_name, source.text_bytes)]
        if not prepared.text_is_original:
            files.append((f"{slug}--{_original_name(source)}", source.data))
        for name, data in files:
            problem = self._free(name, data, item)
            if problem:
                return IngestOutcome(item, "refused", problem)
            self.claimed[name] = item
        record = dict(record, slug=slug)
        record["sources"] = [dict(record["sources"][0], file=text_name), *record["sources"][1:]]
        draft = _draft(record, prepared.provenance, text_name, comments=True, evidence=True, source=source)[0]
        draft = f"joins: {found.slug}  # {found.reason}\n" + draft
        project_path = self.seeds_dir / found.seed_file
        project_text = self.seed_texts.get(project_path) or project_path.read_text(encoding="utf-8")
        self.seed_texts[project_path] = with_release(project_text, seed_path.name)
        writes = [(self.seeds_dir / name, data) for name, data in files]
        writes.append((seed_path, draft.encode("utf-8")))
        writes.append((project_path, self.seed_texts[project_path].encode("utf-8")))
        outcome = IngestOutcome(
            item, "drafted", slug=slug, seed_path=seed_path, files=[name for name, _ in files],
            joined=f"{found.slug} ({found.reason})",
        )  # fmt: skip
        return outcome, prepared, writes, _sha256(source.text_bytes), project_path

    def flush(self, batch: list[_Entry]) -> None:
        if not batch or self.dry_run:
            return
        if self.engine is not None and not self.checked_schema:
            if not _has_schema(self.engine):
                raise ArchiveError("the archive has no schema yet; run 'eufunds db upgrade' first")
            self.checked_schema = True
        # What this run created for each release, to take back if its load is
        # refused: a draft left in the seeds folder would break the next load.
        created: dict[int, list[Path]] = {}
        # And what it changed (a project seed that lists a joined release), to put back.
        changed: dict[int, list[tuple[Path, bytes]]] = {}
        try:
            self.seeds_dir.mkdir(parents=True, exist_ok=True)
            for outcome, _prepared, writes, _sha, _seed in batch:
                for path, data in writes:
                    if not path.exists():
                        created.setdefault(id(outcome), []).append(path)
                    elif outcome.joined and path.suffix == ".yaml":
                        changed.setdefault(id(outcome), []).append((path, path.read_bytes()))
                    _write_atomically(path, data)
        except OSError as exc:
            # A read-only or full disk: take back what this batch wrote, as for a refused load.
            for paths in created.values():
                _remove(paths)
            raise IngestError([f"cannot write into {self.seeds_dir}: {exc.strerror or exc}"]) from None
        if self.engine is None:
            return
        from .store import record_sources

        pending = list(batch)
        for _round in range(3):
            if not pending:
                return
            try:
                # Two releases joining one project load its seed once.
                seeds = list({id(s) if isinstance(s, Seed) else s: s for *_, s in pending}.values())
                report = load_seeds(self.engine, seeds, keep_slugs=False)
            except LoadError as exc:
                still = self._refuse_failed(pending, exc.problems)
                for outcome, *_ in pending:
                    if outcome.status == "refused":
                        _remove(created.get(id(outcome), []))
                        _restore(changed.get(id(outcome), []))
                pending = still
                continue
            self._merge(report)
            record_sources(self.engine, [(prepared.source, sha) for _o, prepared, _w, sha, _s in pending])
            for outcome, *_ in pending:
                outcome.status = "loaded"
            return
        for outcome, *_ in pending:
            outcome.status = "refused"
            outcome.reason = "the load was refused three times; see the errors above"
            _remove(created.get(id(outcome), []))
            _restore(changed.get(id(outcome), []))

    def _refuse_failed(self, pending: list[_Entry], problems: list[Any]) -> list[_Entry]:
        by_seed = {str(o.seed_path): o for o, *_ in pending}
        # A joined release is loaded through its project's seed, which problems name.
        by_seed.update({str(seed): o for o, *_, seed in pending if o.joined and isinstance(seed, Path)})
        blamed: dict[str, list[str]] = {}
        for problem in problems:
            file = problem.file if isinstance(problem, SeedProblem) else None
            if file in by_seed:
                reason = str(problem).removeprefix(f"{file}: ").removeprefix(f"{file}:")
                blamed.setdefault(file, []).append(reason)
        if not blamed:  # a problem not tied to one seed: the batch as a whole was refused
            for outcome, *_ in pending:
                outcome.status = "refused"
                outcome.reason = "; ".join(str(p) for p in problems)
            return []
        for file, reasons in blamed.items():
            outcome = by_seed[file]
            outcome.status = "refused"
            outcome.reason = "not loaded: " + "; ".join(reasons)
        return [entry for entry in pending if entry[0].status != "refused"]

    def _merge(self, report: LoadReport) -> None:
        for outcome, number in report.counts.items():
            self.report.add(outcome, [""] * number)
        self.report.warnings.extend(report.warnings)
        self.loaded_any = True


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _restore(saved: list[tuple[Path, bytes]]) -> None:
    # In reverse: a seed changed twice in one batch gets its first text back.
    for path, data in reversed(saved):
        _write_atomically(path, data)


def _has_schema(engine: Engine) -> bool:
    """Whether the archive is migrated; one migrated before source files is refused."""
    from sqlalchemy import inspect

    from ..db import has_schema

    if not has_schema(engine):
        return False
    if not inspect(engine).has_table("source_files"):
        raise ArchiveError("the archive's schema predates source files; run 'eufunds db upgrade' first")
    return True


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    scratch = path.with_name(f".{path.name}.partial")
    scratch.write_bytes(data)
    scratch.replace(path)


def ingest(
    engine: Engine | None,
    items: Iterable[str | Path],
    *,
    seeds_dir: Path = Path("seeds"),
    force: bool = False,
    dry_run: bool = False,
    ocr: bool = False,
    limits: FetchLimits | None = None,
    workers: int | None = None,
    on_item: Callable[[IngestOutcome], None] | None = None,
) -> IngestResult:
    """Ingest files, folders and URLs, each on its own: see the module's docstring.

    ``engine`` None writes seeds without loading them (and skips nothing);
    ``workers`` is how many processes read and extract (default: one per core
    for eight releases or more, else one); ``on_item`` hears of each outcome as
    it is decided (a progress bar).
    """
    if (seeds_dir.exists() or seeds_dir.is_symlink()) and not seeds_dir.is_dir():
        # Checked before any release is read: mkdir would fail only at the first write.
        raise IngestError([f"{seeds_dir} is not a folder; give --seeds-dir a folder"])
    listed = list(release_items(items))
    result = IngestResult(dry_run=dry_run)
    workers = settings.worker_count(workers, large_enough=len(listed) >= 8)
    writer = _Writer(engine, seeds_dir, force, dry_run)
    known: set[str] = set()
    todo: list[str] = []
    if engine is not None and _has_schema(engine):
        from .store import known_sources

        hashes: dict[str, str] = {}
        for item in listed:
            if is_url(item) and not Path(item).exists():
                continue
            try:
                path = Path(item)
                # Only regular files: a FIFO would block here (it is refused when read).
                if path.is_file() and path.stat().st_size <= MAX_RELEASE_BYTES:
                    hashes[item] = _sha256(path.read_bytes())
            except OSError:
                pass
        known = known_sources(engine, hashes.values())
        for item in listed:
            if hashes.get(item) in known:
                outcome = IngestOutcome(item, "skipped", "already in the archive")
                result.outcomes.append(outcome)
                if on_item:
                    on_item(outcome)
            else:
                todo.append(item)
    else:
        todo = listed
    batch: list[_Entry] = []
    batch_bytes = 0
    for prepared in _prepared_iter(todo, ocr, limits, workers):
        if isinstance(prepared, IngestOutcome):
            outcome = prepared
        elif prepared.source.sha256 in known:
            outcome = IngestOutcome(prepared.item, "skipped", "already in the archive")
        else:
            placed = writer.place(prepared)
            if isinstance(placed, IngestOutcome):
                outcome = placed
            else:
                outcome = placed[0]
                batch.append(placed)
                batch_bytes += prepared.source.size
                known.add(prepared.source.sha256)
        result.outcomes.append(outcome)
        if on_item:
            on_item(outcome)
        if len(batch) >= BATCH_FILES or batch_bytes >= BATCH_BYTES:
            writer.flush(batch)
            batch, batch_bytes = [], 0
    writer.flush(batch)
    if writer.loaded_any:
        result.report = writer.report
    return result


def ingest_files(
    engine: Engine | None,
    files: list[Path],
    *,
    seeds_dir: Path = Path("seeds"),
    force: bool = False,
    dry_run: bool = False,
) -> IngestResult:
    """``ingest`` of the given files, raising ``IngestError`` with every refusal (the
    others are still ingested)."""
    result = ingest(engine, files, seeds_dir=seeds_dir, force=force, dry_run=dry_run)
    if result.refused:
        raise IngestError([f"{o.item}: {o.reason}" for o in result.refused])
    return result
