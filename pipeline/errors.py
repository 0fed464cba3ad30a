"""Named exceptions raised by the library; the CLI turns them into messages with hints."""

from __future__ import annotations


class SynthwatchError(Exception):
    """Base class of every error synthwatch raises on purpose."""


class ReadError(SynthwatchError):
    """A file could not be turned into a Document.

    ``status`` is what the store records for the paper: ``failed`` (unreadable, malformed,
    unsupported, encrypted) or ``no_text`` (readable but without extractable text).
    """

    status = "failed"

    def __init__(self, reason: str, *, status: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        if status is not None:
            self.status = status


class UnsupportedFormat(ReadError):
    """The bytes are not a format synthwatch reads."""


class MalformedInput(ReadError):
    """The file claims a format but its content is broken (truncated PDF, bad XML, ...)."""


class EncryptedPDF(ReadError):
    """The PDF is password-protected."""


class NoText(ReadError):
    """The file is readable but holds no extractable text (for example an image-only PDF)."""

    status = "no_text"


class PatternError(SynthwatchError):
    """A pattern data file is invalid; the message names the file and line."""


class StoreError(SynthwatchError):
    """The DuckDB store could not be opened or written."""


class DatabaseLocked(StoreError):
    """Another process holds the write lock on the database file."""


class SchemaTooNew(StoreError):
    """The database was written by a newer synthwatch with a schema this version cannot read."""


class QueryError(SynthwatchError):
    """A canned query or SQL statement was refused or failed."""


class UsageError(SynthwatchError):
    """The caller asked for something that cannot be done as asked (bad manifest, bad path)."""


class DatabaseMissing(StoreError, UsageError):
    """The database to read does not exist. A path that does not exist is a usage error (exit
    2); a database that exists but cannot be opened is a plain StoreError (exit 1)."""


class WorkerStartError(SynthwatchError):
    """A worker process could not start (broken install, no memory): nothing can be scanned."""


class EngineError(SynthwatchError):
    """The Dask engine cannot run: dask is not installed, the scheduler cannot be reached, a
    worker has another synthwatch version, or a batch failed."""


class ParameterError(QueryError, UsageError):
    """A canned query's parameter was refused: unknown, missing, of the wrong type, or a value
    outside its list. A QueryError (the query did not run) that the caller can fix: the CLI
    exits 2 with the message, as for any usage error."""


class UnknownQuery(QueryError, UsageError):
    """No canned query of that name: the caller can fix it (the CLI exits 2 with the list)."""


class FetchError(SynthwatchError):
    """A request to a paper service failed after its retries (status, time-out, bad body)."""

    def __init__(self, reason: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status


class NetworkUnreachable(FetchError):
    """No connection could be made at all (no network, DNS failure, refused): stop the run."""


class ServiceFormatError(FetchError):
    """A service answered, but not in the format it documents (malformed JSON, no cursor): the
    service may have changed its API, so the run stops rather than guess."""


class ReviewError(SynthwatchError):
    """A reviews file cannot be used: not a reviews file, or its sample is not of this database."""


class ReviewsMissing(ReviewError, UsageError):
    """The reviews file to read does not exist (or holds no review yet): the caller can fix it."""


class SheetError(ReviewError, UsageError):
    """A review sheet was refused (wrong columns, unknown papers, duplicate reviews, values out
    of range); the message names the rows. Nothing of the sheet was imported."""
