"""Seed files: reading, validating and normalising the YAML that curators write."""
