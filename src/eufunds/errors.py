"""The error a user can act on, in a module that imports nothing.

Seed-reading workers import what raises it (``eufunds.processes``); had it
stayed in ``eufunds.db``, each worker would import SQLAlchemy for nothing.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """A problem the user can act on; the CLI prints it without a traceback."""
