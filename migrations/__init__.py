"""Alembic migrations of the archive, shipped inside the package as eufunds.migrations."""
