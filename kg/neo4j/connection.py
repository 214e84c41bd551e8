"""Connecting to Neo4j: where to connect, retries, and driver errors turned into kg errors with exit codes."""

from __future__ import annotations

import contextlib
import logging
import os
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import neo4j
from neo4j import exceptions as neo4j_errors

from kg.errors import InputError, Neo4jAuthError, Neo4jDatabaseNotFound, Neo4jError, Neo4jQueryError, Neo4jUnavailable
from kg.neo4j import server

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"
# How long to keep retrying an unreachable server / a transient fault; tests lower it through the environment.
RETRY_SECONDS_ENV = "KG_NEO4J_RETRY_SECONDS"
DEFAULT_RETRY_SECONDS = 15.0
# The Bolt schemes only: the driver's http(s) "Query API" preview needs extra packages and is not what kg speaks.
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

# The driver logs every server notification; `kg query` reports them itself, so keep them off the console
# unless the application configures logging.
logging.getLogger("neo4j.notifications").addHandler(logging.NullHandler())


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str | None = None
    database: str = DEFAULT_DATABASE
    retry_seconds: float = DEFAULT_RETRY_SECONDS
    source: str = "default"  # "options", "local server" or "default": said in error messages

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password) if self.password is not None else None


def check_uri(uri: str) -> str:
    """Return *uri* if it is a Bolt URI with a host and a numeric port (if any); else an InputError naming it."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in 0-65535
    except ValueError as error:
        raise InputError(f"bad Neo4j URI {uri!r}: {error}") from None
    if parts.scheme.lower() not in URI_SCHEMES:
        raise InputError(f"bad Neo4j URI {uri!r}: the scheme must be one of {', '.join(URI_SCHEMES)} "
                         "(e.g. bolt://localhost:7687)")
    if not parts.hostname:
        raise InputError(f"bad Neo4j URI {uri!r}: no host (e.g. bolt://localhost:7687)")
    return uri


def retry_seconds_from_environment() -> float:
    """``KG_NEO4J_RETRY_SECONDS`` as a number of seconds (default 15); anything else is an InputError."""
    text = os.environ.get(RETRY_SECONDS_ENV) or ""
    if not text.strip():
        return DEFAULT_RETRY_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise InputError(f"{RETRY_SECONDS_ENV}={text!r}: expected a number of seconds, 0 or more")
    return seconds


def resolve_settings(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    *,
    state_dir: str | None = None,
    retry_seconds: float | None = None,
) -> Neo4jSettings:
    """Fill in what the caller did not give.

    Without a URI, a server started by ``kg neo4j start`` (and its credentials) is used when one is running,
    else bolt://localhost:7687.
    """
    if retry_seconds is None:
        retry_seconds = retry_seconds_from_environment()
    database = database or DEFAULT_DATABASE
    if uri:
        check_uri(uri)
    local = server.status(state_dir)
    if uri:
        if password is None and local is not None and uri == local.uri:
            password = local.password  # the URI `kg neo4j start` printed, without its password
        return Neo4jSettings(uri, user or DEFAULT_USER, password, database, retry_seconds, "options")
    if local is not None:
        return Neo4jSettings(local.uri, user or local.user, password if password is not None else local.password,
                             database, retry_seconds, "local server")
    return Neo4jSettings(DEFAULT_URI, user or DEFAULT_USER, password, database, retry_seconds, "default")


def _describe_source(settings: Neo4jSettings) -> str:
    if settings.source == "default":
        return " (the default; pass --uri or set NEO4J_URI, or run `kg neo4j start`)"
    return ""


@contextlib.contextmanager
def translated_errors(settings: Neo4jSettings) -> Iterator[None]:
    """Turn driver exceptions into kg errors: one message, a documented exit code, no traceback."""
    try:
        yield
    except neo4j_errors.AuthError as error:
        raise Neo4jAuthError(f"Neo4j at {settings.uri} refused user {settings.user!r}: "
                             f"{error.message or 'wrong user name or password'}") from None
    except neo4j_errors.ServiceUnavailable as error:
        reason = "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
        raise Neo4jUnavailable(f"cannot reach Neo4j at {settings.uri}{_describe_source(settings)}: {reason}") from None
    except neo4j_errors.ClientError as error:
        if error.code == "Neo.ClientError.Security.AuthenticationRateLimit":
            raise Neo4jAuthError(f"Neo4j at {settings.uri}: {error.message}") from None
        if error.code == "Neo.ClientError.Database.DatabaseNotFound":
            raise Neo4jDatabaseNotFound(f"Neo4j at {settings.uri} has no database {settings.database!r}") from None
        raise Neo4jQueryError(f"Neo4j rejected the statement: {error.message} ({error.code})") from None
    except neo4j_errors.Neo4jError as error:
        raise Neo4jError(f"Neo4j error: {error.message} ({error.code})") from None
    except neo4j_errors.DriverError as error:
        raise Neo4jError(f"Neo4j driver error talking to {settings.uri}: {error}") from None


def open_driver(settings: Neo4jSettings, *, notifications: bool = False) -> neo4j.Driver:
    """A driver that has reached the server and the database, retrying an unreachable server for a while.

    Server notifications (unknown label, deprecated syntax, ...) are only requested with *notifications*.
    """
    severity = neo4j.NotificationMinimumSeverity.WARNING if notifications else neo4j.NotificationMinimumSeverity.OFF
    check_uri(settings.uri)
    try:
        driver = neo4j.GraphDatabase.driver(
            settings.uri,
            auth=settings.auth,
            connection_timeout=min(10.0, max(settings.retry_seconds, 1.0)),
            # Also bounds the Bolt handshake: a port that accepts but never answers fails within the retry
            # time, not after the driver's default 60 s.
            connection_acquisition_timeout=max(settings.retry_seconds, 1.0),
            max_transaction_retry_time=settings.retry_seconds,
            notifications_min_severity=severity,
            user_agent="kg",
        )
    except (ValueError, neo4j_errors.ConfigurationError) as error:  # a URI the driver can not use
        raise InputError(f"bad Neo4j URI {settings.uri!r}: {error}") from None
    try:
        with translated_errors(settings):
            _verify(driver, settings)
    except BaseException:
        driver.close()
        raise
    return driver


def _verify(driver: neo4j.Driver, settings: Neo4jSettings) -> None:
    deadline = time.monotonic() + settings.retry_seconds
    delay = 0.25
    while True:
        try:
            driver.verify_connectivity()
            break
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired):
            if time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    # Reaching the server is not enough: a misspelt database only shows when a session uses it.
    driver.execute_query("RETURN 1", database_=settings.database)


@contextlib.contextmanager
def connect(settings: Neo4jSettings, *, notifications: bool = False) -> Iterator[neo4j.Driver]:
    """``with connect(settings) as driver:`` — errors inside the block are translated too."""
    driver = open_driver(settings, notifications=notifications)
    try:
        with translated_errors(settings):
            yield driver
    finally:
        driver.close()
