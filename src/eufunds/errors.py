"""Every error eufunds raises for a user to act on, under one root.

The CLI catches ``ArchiveError`` once and prints its message as one ``error:``
line; anything else is a bug and keeps its traceback. This module imports
nothing, because seed-reading and CSV workers import it and must start fast.
"""

from __future__ import annotations

# Even ``typing`` would weigh on a CSV worker's start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


class ArchiveError(Exception):
    """A problem the user can act on; the CLI prints it without a traceback."""


class _ProblemsError(ArchiveError):
    """An error that gathers every reason found, one per line."""

    def __init__(self, problems: Sequence[object]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class SeedError(_ProblemsError):
    """A seed could not be read or validated; ``problems`` holds each SeedProblem."""


class LoadError(_ProblemsError):
    """The load was refused; nothing was written. ``problems`` lists every reason."""


class IngestError(_ProblemsError):
    """Ingest refused; nothing was written. ``problems`` lists every reason."""


class MoneyError(ArchiveError, ValueError):
    """A value that is not an exact amount with at most two decimals."""


class ExportError(ArchiveError):
    """An export that cannot be done as asked (unknown table, bad output path)."""


class WorkerFailed(ArchiveError):
    """A worker process stopped or reported an error; the message says which table."""


class QueryError(ArchiveError):
    """The statement was refused or failed; nothing in the archive changed."""


class SearchError(ArchiveError):
    """The search could not run (nothing to search for, no index yet)."""


class ProjectNotFound(ArchiveError):
    """No project has the slug or code the user gave."""


class SettingError(ArchiveError):
    """A setting (option or environment variable) has a value that cannot be used."""


class IntakeError(ArchiveError):
    """A release file or URL that cannot be read as a release; the message says why."""


class FetchError(IntakeError):
    """A URL that was not fetched: a refused scheme, a timeout, too large, too many redirects."""


class ListError(ArchiveError):
    """An official list that cannot be imported (not a spreadsheet, no code column,
    an unreadable value); the message names the file, sheet, row and column, and
    nothing of the file was written."""


class WebError(ArchiveError):
    """The archive cannot be served as asked (not SQLite, no file, no Datasette)."""


class TooSlow(ArchiveError):
    """A web page's reading ran past its time limit and was interrupted."""
