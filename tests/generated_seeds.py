"""Small generated seeds for tests that need archives other than the two real ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml


def write_seed(folder: Path, slug: str, text: str | None = None, **fields: Any) -> Path:
    """Write ``<slug>.yaml`` (and its source text unless ``sources=[]`` is given)
    with the required keys filled in; ``fields`` override or add keys."""
    folder.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {
        "slug": slug,
        "title": f"Proiectul {slug}",
        "status": "ongoing",
        "beneficiary": {"name": f"Beneficiarul {slug}"},
        "programme": {"code": "POCU"},
    }
    if "sources" not in fields:
        (folder / f"{slug}.txt").write_text(text or f"Comunicat de presă despre {slug}.\n", encoding="utf-8")
        record["sources"] = [{"file": f"{slug}.txt", "kind": "start", "published": dt.date(2019, 1, 15)}]
    record.update(fields)
    path = folder / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
