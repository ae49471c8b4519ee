"""Export: the archive's tables and records in six formats, with the CSV pool behind export."""
