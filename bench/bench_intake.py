"""Files per second that ``eufunds ingest`` takes in, per format and over a mixed
folder, against what each format's library alone parses in the same run.

Run: python bench/bench_intake.py [--files 1000] [--workers N]

A folder of ``--files`` releases (bench/generate.py's synthetic projects, one
in five rendered each as .txt, saved web page, PDF, DOCX and ODT by the
tests' own renderers) is made in a temporary folder. Then, in this order:

- **limit**, per format: the library alone turns the bytes into text
  (PyYAML-free, no sniffing, no extraction): plain ``bytes.decode`` for text,
  selectolax's parse and ``text()`` for HTML, pypdfium2's text page of every
  page for PDF, python-docx's paragraphs for DOCX, the ZIP member parsed by
  ElementTree for ODT. Single process, CPU seconds.
- **read**, per format: ``eufunds.intake.sources.read_release`` (sniffing, the
  main text of a page, PDF lines rejoined, paragraphs of Word and ODT files).
- **ingest**: ``eufunds.intake.ingest.ingest`` of the whole folder into a fresh
  SQLite archive, wall time: read, extract, write the seed and text, keep the
  original, load — with the workers the machine gives (or ``--workers``).

The mixed-folder limit is the file count over the summed limit time of every
file; the issue's bar is ingest ≥ 0.5× that. The ingest's CPU seconds (this
process and its workers) are printed beside its wall time: the limit is CPU
time, which other work on the machine barely moves, while the wall time of
the ingest stretches with it. ``bench/RESULTS.md`` records a run.

``--compare`` instead weighs the candidate readers (docs/intake.md): the real
releases of ../shared/releases rendered as a saved page and as a PDF, read by
each candidate, then extracted and scored against their gold records — the
same score as ``eufunds extract --evaluate`` — with the time each reader takes.
It needs the ``compare`` extra (trafilatura, pypdf).
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from generate import generate  # noqa: E402
from release_formats import render  # noqa: E402

from eufunds import migrate  # noqa: E402
from eufunds.db import create_archive_engine, resolve_database_url  # noqa: E402
from eufunds.intake.ingest import ingest  # noqa: E402
from eufunds.intake.sources import read_release  # noqa: E402

FORMATS = ("txt", "html", "pdf", "docx", "odt")
BAR = 0.5


def _html_alone(data: bytes) -> str:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(data.decode("utf-8"))
    body = tree.body
    return body.text(separator="\n") if body is not None else ""


def _pdf_alone(data: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        parts = []
        for page in document:
            textpage = page.get_textpage()
            parts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(parts)
    finally:
        document.close()


def _docx_alone(data: bytes) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _odt_alone(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("content.xml"))
    return "\n".join("".join(node.itertext()) for node in root.iter())


LIBRARY: dict[str, Callable[[bytes], str]] = {
    "txt": lambda data: data.decode("utf-8"),
    "html": _html_alone,
    "pdf": _pdf_alone,
    "docx": _docx_alone,
    "odt": _odt_alone,
}


def make_folder(folder: Path, count: int) -> dict[str, list[Path]]:
    """``count`` distinct releases, one format in five each, under ``folder``."""
    texts = folder.parent / "texts"
    generate(count, texts)
    files: dict[str, list[Path]] = {fmt: [] for fmt in FORMATS}
    folder.mkdir()
    for index, path in enumerate(sorted(texts.glob("*.txt"))):
        fmt = FORMATS[index % len(FORMATS)]
        target = folder / f"{path.stem}.{fmt}"
        target.write_bytes(render(path.read_text(encoding="utf-8"), fmt))
        files[fmt].append(target)
    return files


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (the ingest's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def cpu_seconds(paths: list[Path], step: Callable[[Path], object]) -> float:
    start = time.process_time()
    for path in paths:
        step(path)
    return time.process_time() - start


def _ours_html(data: bytes) -> str:
    from eufunds.intake.html import decode_html, html_main_text

    return html_main_text(decode_html(data))


def _trafilatura(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(data.decode("utf-8"), include_comments=False, favor_recall=True) or ""


def _ours_pdf(data: bytes) -> str:
    from eufunds.intake.pdf import pdf_text

    return pdf_text(data).text


def _pypdf(data: bytes) -> str:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


CANDIDATES: dict[str, dict[str, Callable[[bytes], str]]] = {
    "html": {
        "eufunds (selectolax/Lexbor, page furniture dropped)": _ours_html,
        "trafilatura": _trafilatura,
        "selectolax body text alone": _html_alone,
    },
    "pdf": {
        "eufunds (pypdfium2, lines rejoined)": _ours_pdf,
        "pypdf": _pypdf,
        "pypdfium2 text alone": _pdf_alone,
    },
}


def compare(shared: Path) -> int:
    from eufunds.extract import extract_release
    from eufunds.extract.evaluation import compare_records, load_expected
    from eufunds.text import decode_release

    pairs = [(p, p.with_suffix(".yaml")) for p in sorted(shared.glob("*.txt"))]
    if not pairs:
        print(f"no releases in {shared}")
        return 1
    texts = {p.name: decode_release(p.read_bytes()) for p, _ in pairs}
    gold = {p.name: load_expected(g) for p, g in pairs}

    def score(read: Callable[[bytes], str] | None, fmt: str) -> tuple[int, int, float]:
        correct = total = 0
        seconds = 0.0
        for name, text in texts.items():
            data = render(text, fmt) if read is not None else b""
            start = time.process_time()
            got_text = read(data) if read is not None else text
            seconds += time.process_time() - start
            result = compare_records(gold[name], extract_release(got_text, file_name=name).record)
            correct += result.correct
            total += result.total
        return correct, total, seconds

    base_correct, total, _ = score(None, "txt")
    print(f"{len(pairs)} real releases; the .txt itself: {base_correct}/{total} values right")
    print(f"{'format':6} {'reader':52} {'right':>9} {'vs .txt':>8} {'ms/file':>8}")
    for fmt, readers in CANDIDATES.items():
        for label, read in readers.items():
            try:
                correct, total, seconds = score(read, fmt)
            except ImportError as exc:
                print(f"{fmt:6} {label:52} not installed: {exc}")
                continue
            points = 100 * (correct - base_correct) / total
            ms = 1000 * seconds / len(pairs)
            print(f"{fmt:6} {label:52} {correct:4}/{total:<4} {points:+7.1f} {ms:8.1f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="releases in the folder (default 1000)")
    parser.add_argument("--workers", type=int, default=None, help="ingest workers (default: the cores)")
    parser.add_argument(
        "--compare", type=Path, nargs="?", const=ROOT.parent / "shared" / "releases", default=None,
        help="compare candidate readers on real releases (default ../shared/releases)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.compare is not None:
        return compare(args.compare)
    with tempfile.TemporaryDirectory(prefix="eufunds-bench-intake-") as tmp:
        root = Path(tmp)
        files = make_folder(root / "releases", args.files)
        blobs = {fmt: [p.read_bytes() for p in paths] for fmt, paths in files.items()}
        limit_time: dict[str, float] = {}
        read_time: dict[str, float] = {}
        for fmt in FORMATS:
            alone = LIBRARY[fmt]
            start = time.process_time()
            for data in blobs[fmt]:
                alone(data)
            limit_time[fmt] = time.process_time() - start
            read_time[fmt] = cpu_seconds(files[fmt], read_release)
        database = root / "archive.db"
        engine = create_archive_engine(resolve_database_url(str(database)))
        migrate.upgrade(engine)
        start, cpu_start = time.perf_counter(), _cpu_seconds()
        result = ingest(engine, [root / "releases"], seeds_dir=root / "seeds", workers=args.workers)
        ingest_wall = time.perf_counter() - start
        ingest_cpu = _cpu_seconds() - cpu_start
        engine.dispose()
        statuses: dict[str, int] = {}
        for outcome in result.outcomes:
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
        print(f"{args.files} releases; ingest outcomes: {statuses}")
        print(f"{'format':8} {'files':>6} {'limit files/s':>14} {'read files/s':>13} {'read/limit':>11}")
        for fmt in FORMATS:
            n = len(files[fmt])
            limit_rate = n / limit_time[fmt] if limit_time[fmt] else float("inf")
            read_rate = n / read_time[fmt] if read_time[fmt] else float("inf")
            print(f"{fmt:8} {n:6} {limit_rate:14,.0f} {read_rate:13,.0f} {read_rate / limit_rate:10.2f}×")
        total_limit = sum(limit_time.values())
        mixed_limit = args.files / total_limit
        ingest_rate = args.files / ingest_wall
        print(f"mixed folder: limit {mixed_limit:,.0f} files/s (one core, library alone)")
        print(f"ingest:       {ingest_rate:,.0f} files/s wall ({ingest_wall:.1f} s), "
              f"{ingest_rate / mixed_limit:.2f}× the limit (bar {BAR}×)")  # fmt: skip
        cpu_rate = args.files / ingest_cpu
        print(f"ingest CPU:   {ingest_cpu:.1f} s in all processes, {cpu_rate:,.0f} files per CPU second, "
              f"{cpu_rate / mixed_limit:.2f}× the limit")  # fmt: skip
        return 0 if ingest_rate >= BAR * mixed_limit else 1


if __name__ == "__main__":
    sys.exit(main())
