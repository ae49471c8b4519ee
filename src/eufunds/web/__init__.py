"""The archive's web face: ``eufunds serve`` runs Datasette over the SQLite
archive, immutable and read-only, with the eufunds pages (project fiches beside
their sources, search through the archive's own index) as a plugin.

Datasette is an optional dependency (``pip install 'eufunds[web]'``): importing
this package does not need it; ``serve`` says how to install it when missing.
"""

from __future__ import annotations

from .server import DEFAULT_HOST, DEFAULT_PORT, WebError, serve

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "WebError", "serve"]
