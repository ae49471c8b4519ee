"""Coverage-guided fuzzing (atheris) of the seed reader.

Run: ``python tests/fuzz/fuzz_seed.py -max_total_time=60 tests/fuzz/corpus/seed``
(``.ci/fuzz`` does this). Every input must end in a validated seed or a
``SeedError`` whose problems each name the file on one line; anything else is a
crash, and libFuzzer saves the input as ``crash-*``. Keep such an input under
``tests/fuzz/regressions/`` so ``test_fuzz_regressions.py`` replays it forever.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["eufunds", "yaml"]):
    from eufunds.seed.format import SeedError, read_seed

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
WORK = Path(tempfile.mkdtemp(prefix="eufunds-fuzz-seed-")) / "seeds"
shutil.copytree(SEEDS, WORK)
TARGET = WORK / "fuzzed.yaml"


def check_seed_bytes(data: bytes) -> None:
    TARGET.write_bytes(data)
    try:
        read_seed(TARGET, label="fuzzed.yaml")
    except SeedError as exc:
        for problem in exc.problems:
            text = str(problem)
            if not text.startswith("fuzzed.yaml") or "\n" in text:
                raise AssertionError(f"unclear problem: {text!r}") from None


def main() -> None:
    atheris.Setup(sys.argv, check_seed_bytes)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
