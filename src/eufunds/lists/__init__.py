"""Official lists of contracted projects: read (``read``, ``headers``, ``cells``),
imported as snapshots (``importer.import_list``), and held against the releases
in the archive (``compare.compare_lists``). See docs/lists.md."""
