"""Load: seed files into the archive, all or nothing, with the reading pool behind load_paths."""
