"""The read side: records, query, search, the fiche, stats and check over a built archive."""
