"""Errors that the CLI turns into messages and exit codes (no tracebacks)."""

from __future__ import annotations


class KgError(Exception):
    """Base class: a problem the user can act on. ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(KgError):
    """Bad input: a missing file, a wrong encoding, a malformed record.

    ``path`` and ``line`` say where, so the message can name the file and line.
    """

    exit_code = 2

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        self.reason = message
        where = path or ""
        if path and line is not None:
            where = f"{path}:{line}"
        super().__init__(f"{where}: {message}" if where else message)


class OutputError(InputError):
    """An output can not be written (a full disk, no permission); ``path`` names it. Nothing partial is left.

    An InputError (exit code 2) as before: the user chose where to write.
    """

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message, path)


class PipelineError(KgError):
    """The requested spaCy pipeline is missing or unusable."""

    exit_code = 3


class PatternError(PipelineError):
    """A pattern file (kg/extract/patterns) breaks its JSON Schema: the message names FILE:LINE."""


class SnapshotError(KgError):
    """A snapshot directory is missing, incomplete or of an unknown version."""

    exit_code = 4


# Neo4j faults get distinct exit codes so scripts can react (documented in the README).
class Neo4jError(KgError):
    exit_code = 10


class Neo4jUnavailable(Neo4jError):
    """The server can not be reached (after retries)."""

    exit_code = 11


class Neo4jAuthError(Neo4jError):
    """Wrong user name or password."""

    exit_code = 12


class Neo4jDatabaseNotFound(Neo4jError):
    """The named database does not exist."""

    exit_code = 13


class Neo4jQueryError(Neo4jError):
    """A Cypher statement was rejected (syntax, constraint, ...)."""

    exit_code = 14


class Neo4jLauncherError(Neo4jError):
    """The bundled launcher could not fetch or start Neo4j."""

    exit_code = 15
