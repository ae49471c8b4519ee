"""eufunds: an open archive of EU-funded public projects, built from their press releases."""

__version__ = "0.1.0"
