"""A local Neo4j Community server for users (and the test suite) without a Neo4j install.

The jars come from Maven Central on first use (``mvn dependency:copy-dependencies`` on the bundled pom.xml) into a
cache directory; the bundled ``Neo4jLauncher.java`` is compiled there once. ``start`` runs it detached with Bolt on
127.0.0.1, records pid, URI and credentials in ``state.json`` inside a state directory that also holds the data, and
returns once Bolt accepts connections. ``stop`` sends SIGTERM; the launcher's shutdown hook closes the DBMS cleanly.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from kg.errors import Neo4jLauncherError

NEO4J_VERSION = "5.26.30"
DEFAULT_USER = "neo4j"
MIN_PASSWORD_LENGTH = 8  # Neo4j refuses shorter passwords
STATE_FILE = "state.json"
LOG_FILE = "neo4j.log"
LAUNCHER_CLASS = "Neo4jLauncher"

# Popen objects of servers started by this process, so stop() can reap them (no zombies, no ResourceWarning).
_children: dict[int, subprocess.Popen] = {}


@dataclass
class ServerInfo:
    uri: str | None
    user: str
    password: str | None  # None when authentication is off
    pid: int | None
    state_dir: str
    running: bool = False
    already_running: bool = False

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password) if self.password is not None else None

    @property
    def log_path(self) -> Path:
        return Path(self.state_dir) / LOG_FILE


def default_home() -> Path:
    """Where the jars are cached: $KG_NEO4J_HOME, else ~/.cache/kg/neo4j-<version>."""
    if os.environ.get("KG_NEO4J_HOME"):
        return Path(os.environ["KG_NEO4J_HOME"]).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "kg" / f"neo4j-{NEO4J_VERSION}"


def default_state_dir() -> Path:
    """Where the server's data, log and state.json live: $KG_NEO4J_STATE_DIR, else ~/.local/state/kg/neo4j."""
    if os.environ.get("KG_NEO4J_STATE_DIR"):
        return Path(os.environ["KG_NEO4J_STATE_DIR"]).expanduser()
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "kg" / "neo4j"


def _launcher_file(name: str) -> bytes:
    return resources.files("kg.neo4j").joinpath("launcher", name).read_bytes()


def _tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise Neo4jLauncherError(f"`{name}` not found on PATH: {hint}")
    return path


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


@contextlib.contextmanager
def _locked(directory: Path):
    """Serialise fetches and starts between processes (e.g. two test sessions)."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def fetch(home: str | Path | None = None) -> Path:
    """Download the Neo4j jars with Maven and compile the launcher, unless already done. Returns the home dir."""
    home = Path(home) if home else default_home()
    pom, source = _launcher_file("pom.xml"), _launcher_file(f"{LAUNCHER_CLASS}.java")
    lib, classes = home / "lib", home / "classes"
    with _locked(home):
        lib_marker = lib / ".kg-pom-sha256"
        if not (lib_marker.is_file() and lib_marker.read_text() == _sha(pom)):
            _fetch_jars(home, pom)
        class_marker = classes / ".kg-source-sha256"
        if not (class_marker.is_file() and class_marker.read_text() == _sha(source)):
            _compile_launcher(home, source)
    return home


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fetch_jars(home: Path, pom: bytes) -> None:
    mvn = _tool("mvn", "install Maven 3 (e.g. `apt-get install maven`) so kg can fetch Neo4j from Maven Central")
    _tool("java", "install a JDK 17 or 21 (e.g. `apt-get install openjdk-17-jdk-headless`)")
    (home / "pom.xml").write_bytes(pom)
    staging = home / "lib.partial"
    shutil.rmtree(staging, ignore_errors=True)
    command = [mvn, "-q", "-B", "-f", str(home / "pom.xml"), "dependency:copy-dependencies",
               f"-DoutputDirectory={staging}"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise Neo4jLauncherError("downloading Neo4j with Maven took more than 30 minutes; gave up") from None
    if done.returncode != 0 or not any(staging.glob("neo4j-bolt-*.jar")):
        raise Neo4jLauncherError(
            f"could not download Neo4j {NEO4J_VERSION} with Maven (exit {done.returncode}):\n"
            + _tail(done.stdout + done.stderr)
        )
    shutil.rmtree(home / "lib", ignore_errors=True)
    staging.rename(home / "lib")
    (home / "lib" / ".kg-pom-sha256").write_text(_sha(pom))


def _compile_launcher(home: Path, source: bytes) -> None:
    javac = _tool("javac", "install a JDK 17 or 21, not only a JRE (e.g. `apt-get install openjdk-17-jdk-headless`)")
    classes = home / "classes"
    shutil.rmtree(classes, ignore_errors=True)
    classes.mkdir(parents=True)
    source_path = home / f"{LAUNCHER_CLASS}.java"
    source_path.write_bytes(source)
    done = subprocess.run([javac, "-nowarn", "-d", str(classes), "-cp", str(home / "lib" / "*"), str(source_path)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        shutil.rmtree(classes, ignore_errors=True)
        raise Neo4jLauncherError("could not compile the Neo4j launcher:\n" + _tail(done.stdout + done.stderr))
    (classes / ".kg-source-sha256").write_text(_sha(source))


def _read_state(state_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((state_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(state_dir: Path, state: dict[str, Any]) -> None:
    # The file holds the password: readable by the owner only.
    path = state_dir / STATE_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=2)
        handle.write("\n")


def _alive(pid: int | None) -> bool:
    """Is *pid* a live Neo4j launcher (not a zombie, not a recycled pid)?"""
    if not pid:
        return False
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # someone else's process: the pid was recycled
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        try:
            return LAUNCHER_CLASS.encode() in cmdline.read_bytes()
        except OSError:
            return False
    return True


def _info(state_dir: Path, state: dict[str, Any], running: bool) -> ServerInfo:
    return ServerInfo(uri=state.get("uri"), user=state.get("user", DEFAULT_USER),
                      password=state.get("password") if state.get("auth", True) else None,
                      pid=state.get("pid") if running else None, state_dir=str(state_dir), running=running)


def status(state_dir: str | Path | None = None) -> ServerInfo | None:
    """The running server recorded in *state_dir*, or None when none is running."""
    state_dir = Path(state_dir) if state_dir else default_state_dir()
    state = _read_state(state_dir)
    if state.get("uri") and _alive(state.get("pid")):
        return _info(state_dir, state, running=True)
    return None


def start(
    state_dir: str | Path | None = None,
    *,
    home: str | Path | None = None,
    port: int = 0,
    password: str | None = None,
    auth: bool = True,
    timeout: float = 180.0,
    heap: str = "1g",
    pagecache_mb: int = 256,
    exit_with_parent: bool = False,
    on_wait: Callable[[float], None] | None = None,
) -> ServerInfo:
    """Start Neo4j (fetching it first if needed) and return once Bolt accepts connections.

    *port* 0 lets the OS pick a free port. Without *password*, the one saved in the state dir by an earlier start
    is reused, else a random one is generated and saved. If a server is already running there, it is returned
    unchanged (``already_running`` is set). With *exit_with_parent* the server stops when this process ends
    (test suites, benchmarks). *on_wait* is called about once a second with the seconds waited so far.
    """
    state_dir = Path(state_dir) if state_dir else default_state_dir()
    state_dir.mkdir(parents=True, exist_ok=True)
    with _locked(state_dir):
        running = status(state_dir)
        if running is not None:
            running.already_running = True
            return running
        previous = _read_state(state_dir)
        if auth:
            password = password or previous.get("password") or secrets.token_urlsafe(12)
            if len(password) < MIN_PASSWORD_LENGTH:
                raise Neo4jLauncherError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
        java = _tool("java", "install a JDK 17 or 21 (e.g. `apt-get install openjdk-17-jdk-headless`)")
        home = fetch(home)
        options = ["--port", str(port), "--pagecache-mb", str(pagecache_mb)]
        if exit_with_parent:
            options += ["--exit-with-pid", str(os.getpid())]
        return _launch(java, home, state_dir, options, password if auth else None, timeout, heap, on_wait)


def _launch(java: str, home: Path, state_dir: Path, options: list[str], password: str | None, timeout: float,
            heap: str, on_wait: Callable[[float], None] | None = None) -> ServerInfo:
    classpath = os.pathsep.join([str(home / "lib" / "*"), str(home / "classes")])
    command = [java, f"-Xmx{heap}", "-XX:+ExitOnOutOfMemoryError", "-cp", classpath, LAUNCHER_CLASS,
               "--home", str(state_dir / "dbms"), *options]
    env = dict(os.environ)
    env.pop("KG_NEO4J_PASSWORD", None)
    if password is None:
        command.append("--no-auth")
    else:
        env["KG_NEO4J_PASSWORD"] = password  # not on the command line, where ps would show it
    log_path = state_dir / LOG_FILE
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env, cwd=state_dir, start_new_session=True)
    _children[process.pid] = process
    state = {"pid": process.pid, "uri": None, "user": DEFAULT_USER, "password": password, "auth": password is not None,
             "home": str(home), "started": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
    _write_state(state_dir, state)

    uri = _wait_until_ready(process, log_path, timeout, on_wait)
    state["uri"] = uri
    _write_state(state_dir, state)
    info = _info(state_dir, state, running=True)
    _wait_for_bolt(info, process, log_path, deadline=time.monotonic() + 30)
    return info


def _wait_until_ready(process: subprocess.Popen, log_path: Path, timeout: float,
                      on_wait: Callable[[float], None] | None = None) -> str:
    started = time.monotonic()
    deadline = started + timeout
    told = 0
    while True:
        waited = time.monotonic() - started
        if on_wait is not None and int(waited) > told:
            told = int(waited)
            on_wait(waited)
        text = log_path.read_text(encoding="utf-8", errors="replace")
        for line in text.splitlines():
            if line.startswith("READY "):
                return line.split(" ", 1)[1].strip()
        if process.poll() is not None:
            _children.pop(process.pid, None)
            errors = [line[len("ERROR "):] for line in text.splitlines() if line.startswith("ERROR ")]
            if errors:  # the launcher's own one-line diagnosis
                raise Neo4jLauncherError(f"{errors[-1]} (log: {log_path})")
            raise Neo4jLauncherError(f"Neo4j exited during start-up (exit {process.returncode}); "
                                     f"log {log_path}:\n{_tail(text)}")
        if time.monotonic() > deadline:
            _terminate(process.pid, 30)
            raise Neo4jLauncherError(f"Neo4j did not start within {timeout:.0f} s; log {log_path}:\n{_tail(text)}")
        time.sleep(0.2)


def _wait_for_bolt(info: ServerInfo, process: subprocess.Popen, log_path: Path, deadline: float) -> None:
    """The launcher prints READY once Bolt is bound; check that the driver really gets through."""
    import neo4j

    while True:
        try:
            with neo4j.GraphDatabase.driver(info.uri, auth=info.auth, connection_timeout=5) as driver:
                driver.verify_connectivity()
            return
        except neo4j.exceptions.DriverError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                _terminate(process.pid, 30)
                text = log_path.read_text(encoding="utf-8", errors="replace")
                raise Neo4jLauncherError(f"Neo4j started but Bolt at {info.uri} does not answer ({error}); "
                                         f"log {log_path}:\n{_tail(text)}") from None
            time.sleep(0.5)


def stop(state_dir: str | Path | None = None, timeout: float = 60.0) -> ServerInfo | None:
    """Stop the server recorded in *state_dir* (SIGTERM, then SIGKILL after *timeout*). None if none was running."""
    state_dir = Path(state_dir) if state_dir else default_state_dir()
    state = _read_state(state_dir)
    pid = state.get("pid")
    if not _alive(pid):
        return None
    info = _info(state_dir, state, running=True)
    _terminate(pid, timeout)
    state["pid"] = None
    _write_state(state_dir, state)
    info.running = False
    return info


def _terminate(pid: int, timeout: float) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
    child = _children.pop(pid, None)
    if child is not None:
        child.wait()


def info_dict(info: ServerInfo) -> dict[str, Any]:
    return {**asdict(info), "log": str(info.log_path)}


def import_csv(csv_dir: str | Path, state_dir: str | Path | None = None, *, home: str | Path | None = None,
               database: str = "neo4j") -> str:
    """Run ``neo4j-admin database import full`` (from the launcher's jars) on a `kg export neo4j-csv` directory.

    The local server must be stopped; its *database* is replaced. Returns the import tool's summary.
    """
    from kg.export.neo4j_csv import import_arguments, listed_files

    state_dir = Path(state_dir) if state_dir else default_state_dir()
    csv_dir = Path(csv_dir)
    if status(state_dir) is not None:
        raise Neo4jLauncherError("the local Neo4j is running: stop it first (`kg neo4j stop`), then import")
    files = listed_files(csv_dir)  # not a glob: a CSV file from elsewhere must not be imported
    if not any(name.startswith("nodes/") for name in files):
        raise Neo4jLauncherError(f"{csv_dir}: the export has no nodes (an empty graph): nothing to import")
    java = _tool("java", "install a JDK 17 or 21 (e.g. `apt-get install openjdk-17-jdk-headless`)")
    home = fetch(home)
    dbms = state_dir / "dbms"
    (dbms / "conf").mkdir(parents=True, exist_ok=True)
    (dbms / "conf" / "neo4j.conf").touch()
    env = {**os.environ, "NEO4J_HOME": str(dbms), "NEO4J_CONF": str(dbms / "conf")}
    command = [java, "-cp", str(home / "lib" / "*"), "org.neo4j.cli.AdminTool", *import_arguments(files, database)]
    done = subprocess.run(command, cwd=csv_dir, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    output = done.stdout + done.stderr
    if done.returncode != 0 or "IMPORT DONE" not in output:
        raise Neo4jLauncherError(f"neo4j-admin import failed (exit {done.returncode}):\n{_tail(output)}")
    return output[output.index("IMPORT DONE"):].strip()
