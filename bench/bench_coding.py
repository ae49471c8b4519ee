"""Time of the coding library's place resolution (docs/coding.md).

The SIRUTA table is read once, on the first call; after that each
``resolve_place`` is a few dictionary look-ups and must stay well under a
millisecond, since the loader calls it once per project. Prints the first
call (table load included) and the best of five runs per call after it.

    PYTHONPATH=src python bench/bench_coding.py
"""

from __future__ import annotations

import functools
import time
import timeit

CASES: list[tuple[str | None, str | None]] = [
    ("Calafat", None),
    ("Comuna Mihai Viteazu", "județul Cluj"),
    ("Sîncraiu de Mureş", None),
    ("Mihai Viteazu", None),
]
CALLS = 20_000


def main() -> None:
    started = time.perf_counter()
    from eufunds.coding import place_from_text, resolve_place

    resolve_place("Calafat", None)
    print(f"first call, table load included: {time.perf_counter() - started:.3f} s")
    for locality, county in CASES:
        best = (
            min(timeit.repeat(functools.partial(resolve_place, locality, county), number=CALLS, repeat=5))
            / CALLS
        )
        print(f"resolve_place({locality!r}, {county!r}): {best * 1e6:.1f} µs")
    best = min(
        timeit.repeat(
            lambda: place_from_text("UAT Comuna Bucerdea Grânoasă", "județul Alba"),
            number=CALLS // 4,
            repeat=5,
        )
    ) / (CALLS // 4)
    print(f"place_from_text('UAT Comuna Bucerdea Grânoasă', 'județul Alba'): {best * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
