"""Bounded coverage-guided fuzzing runs (atheris), one per harness in tests/fuzz/.

Skipped unless ``EUFUNDS_FUZZ_SECONDS`` is set: ``.ci/fuzz`` sets it to 60 and
runs ``pytest -m fuzz``. A crash fails the test and names the saved input; copy
it to ``tests/fuzz/regressions/`` once fixed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ_DIR = Path(__file__).parent / "fuzz"
HARNESSES = sorted(FUZZ_DIR.glob("fuzz_*.py"))
SECONDS = int(os.environ.get("EUFUNDS_FUZZ_SECONDS", "0") or 0)

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.skipif(SECONDS <= 0, reason="set EUFUNDS_FUZZ_SECONDS (see .ci/fuzz) to fuzz"),
]


@pytest.mark.parametrize("harness", HARNESSES, ids=[h.stem for h in HARNESSES])
def test_fuzz_harness_finds_no_crash(tmp_path: Path, harness: Path) -> None:
    pytest.importorskip("atheris")
    target = harness.stem.removeprefix("fuzz_")
    corpus = FUZZ_DIR / "corpus" / target
    work_corpus = tmp_path / "corpus"  # libFuzzer adds what it finds to the first folder
    work_corpus.mkdir()
    command = [
        sys.executable, str(harness), str(work_corpus), *([str(corpus)] if corpus.is_dir() else []),
        f"-max_total_time={SECONDS}", "-timeout=10", "-rss_limit_mb=2048",
        f"-dict={FUZZ_DIR / 'seed.dict'}", f"-artifact_prefix={tmp_path}/",
    ]  # fmt: skip
    run = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=SECONDS + 120, check=False
    )
    crashes = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
    assert run.returncode == 0 and not crashes, f"{crashes}\n{run.stderr[-4000:]}"
    assert "Done" in run.stderr
