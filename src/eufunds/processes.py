"""How many processes one command spreads its work over.

Loads read seeds, and CSV exports write tables, in several processes when the
work is large enough; an environment variable per command overrides the
choice (1: this process only), for scripts, tests and profiling.
"""

from __future__ import annotations

import os

from .errors import ArchiveError


def process_count(env_var: str, large_enough: bool) -> int:
    """``$env_var`` when set (a whole number, at least 1), else one process per
    usable core for large work and one for small."""
    configured = os.environ.get(env_var, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise ArchiveError(f"{env_var}={configured!r} is not a whole number") from None
    if not large_enough:
        return 1
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
