"""Releases per second the extractor drafts on one core, over the test corpus and the seeds.

Run: python bench/bench_extract.py [--seconds 2]

Rates are per CPU second of this single-threaded process. Texts are decoded
once up front (decoding is the reader's cost, not the extractor's); the loop
then extracts them round after round for about the given time. Decoding plus
extraction is printed too, as the figure `eufunds extract` sees. The target is at
least 200 releases per second.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from eufunds.extract import extract_release
from eufunds.text import decode_release

ROOT = Path(__file__).resolve().parent.parent
TARGET = 200.0


def releases() -> list[tuple[str, bytes]]:
    paths = sorted((ROOT / "tests" / "corpus" / "extract").glob("*.txt"))
    paths += sorted((ROOT / "seeds").glob("*.txt"))
    return [(p.name, p.read_bytes()) for p in paths]


def rate(work: list, step, seconds: float) -> tuple[float, int]:
    # CPU time of this process, not wall time: other jobs on a shared machine
    # would otherwise be counted against the extractor. One thread = one core.
    done = 0
    start = time.process_time()
    while True:
        for item in work:
            step(item)
        done += len(work)
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return done / elapsed, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    raw = releases()
    texts = [(name, decode_release(data)) for name, data in raw]
    for name, text in texts:  # warm up: compile caches, fold table
        extract_release(text, file_name=name)
    extract_rate, n = rate(texts, lambda item: extract_release(item[1], file_name=item[0]), args.seconds)
    full_rate, _ = rate(
        raw, lambda item: extract_release(decode_release(item[1]), file_name=item[0]), args.seconds / 2
    )
    size = sum(len(t) for _, t in texts) / len(texts)
    print(f"{len(texts)} releases (mean {size:,.0f} characters), {n} extractions")
    print(f"extract:          {extract_rate:8.0f} releases/s")
    print(f"decode + extract: {full_rate:8.0f} releases/s")
    print(f"target {TARGET:.0f}/s: {extract_rate / TARGET:.1f}× the target")


if __name__ == "__main__":
    main()
