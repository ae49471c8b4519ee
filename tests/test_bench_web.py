"""A tiny run of the web bench: it builds an archive, serves it and times every
kind of page, so that the bench keeps working as the pages change."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

pytest.importorskip("datasette", reason="the web face needs the [web] extra (Datasette)")

import bench_web  # noqa: E402  (bench/ is not a package)


def test_web_bench_times_every_page_kind_on_a_running_server(tmp_path: Path) -> None:
    figures = bench_web.measure(5, tmp_path, requests=3)
    for what in ("static file", "project page", "Datasette row page", "search page", "project read alone",
                 "search read alone"):  # fmt: skip
        assert figures[what]["n"] == 3 and 0 < figures[what]["median"] <= figures[what]["max"], what
    table = bench_web.report([figures])
    assert "| 5 | project page |" in table and "| 5 | search page |" in table
