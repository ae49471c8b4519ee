"""Extract: a release's plain text read into a draft record, and the evaluation against gold records.

The public entry is ``extract_release(text) -> Extraction``; every value in it
points back at its words through a ``Span``.
"""

from .extractor import Extraction, Span, extract_release

__all__ = ["Extraction", "Span", "extract_release"]
