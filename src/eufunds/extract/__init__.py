"""Extract: a release's plain text read into a draft record, and the evaluation against gold records."""
