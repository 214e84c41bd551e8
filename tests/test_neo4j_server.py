"""`kg neo4j start|status|stop|fetch`: the bundled launcher runs a real Neo4j and says where it is."""

from __future__ import annotations

import json
import socket

import neo4j
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.neo4j import server


@pytest.fixture
def launcher(neo4j_instance):
    """Tests that start servers of their own need the launcher to work (the session server proves it does)."""
    if neo4j_instance.state_dir is None:
        pytest.skip("KG_TEST_NEO4J_URI names an outside server; this test needs kg's own launcher")
    return neo4j_instance


@pytest.mark.neo4j
def test_status_reports_the_running_server(launcher):
    result = CliRunner().invoke(cli, ["neo4j", "status", "--state-dir", str(launcher.state_dir)])
    assert result.exit_code == 0, result.output
    assert f"Neo4j is running at {launcher.settings.uri}" in result.stdout
    as_json = CliRunner().invoke(cli, ["neo4j", "status", "--state-dir", str(launcher.state_dir), "--json"])
    info = json.loads(as_json.stdout)
    assert info["running"] is True and info["uri"] == launcher.settings.uri and info["pid"] > 0


@pytest.mark.neo4j
def test_start_prints_uri_and_credentials_then_stop_and_restart_without_auth(launcher, tmp_path):
    runner, state_dir = CliRunner(), str(tmp_path / "server")
    started = runner.invoke(cli, ["neo4j", "start", "--state-dir", state_dir, "--password", "cli-test-password"])
    try:
        assert started.exit_code == 0, started.output
        uri = next(line.split()[-1] for line in started.stdout.splitlines() if line.startswith("URI:"))
        assert uri.startswith("bolt://127.0.0.1:")
        assert "user:     neo4j" in started.stdout and "password: cli-test-password" in started.stdout
        with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "cli-test-password")) as driver:
            assert driver.execute_query("RETURN 40 + 2 AS n").records[0]["n"] == 42

        again = runner.invoke(cli, ["neo4j", "start", "--state-dir", state_dir])
        assert again.exit_code == 0 and "was already running" in again.stdout

        # kg push/query fall back to this server (and its credentials) when no URI is given.
        queried = runner.invoke(cli, ["query", "RETURN 1 AS one", "--json"],
                                env={"KG_NEO4J_STATE_DIR": state_dir, "NEO4J_URI": None, "NEO4J_PASSWORD": None,
                                     "NEO4J_USER": None})
        assert queried.exit_code == 0, queried.output
        assert json.loads(queried.stdout) == {"one": 1}
    finally:
        stopped = runner.invoke(cli, ["neo4j", "stop", "--state-dir", state_dir])
    assert stopped.exit_code == 0 and stopped.stdout.startswith("stopped Neo4j")
    assert runner.invoke(cli, ["neo4j", "status", "--state-dir", state_dir]).exit_code == 1

    restarted = runner.invoke(cli, ["neo4j", "start", "--state-dir", state_dir, "--no-auth", "--json"])
    try:
        assert restarted.exit_code == 0, restarted.output
        info = json.loads(restarted.stdout)
        assert info["password"] is None
        with neo4j.GraphDatabase.driver(info["uri"], auth=None) as driver:
            driver.verify_connectivity()
    finally:
        assert runner.invoke(cli, ["neo4j", "stop", "--state-dir", state_dir]).exit_code == 0
    assert server.status(state_dir) is None


def test_status_and_stop_when_nothing_runs(tmp_path):
    status = CliRunner().invoke(cli, ["neo4j", "status", "--state-dir", str(tmp_path)])
    assert status.exit_code == 1 and "not running" in status.stdout
    stop = CliRunner().invoke(cli, ["neo4j", "stop", "--state-dir", str(tmp_path)])
    assert stop.exit_code == 0 and "was not running" in stop.stdout


def test_start_refuses_a_short_password_with_exit_15(tmp_path):
    result = CliRunner().invoke(cli, ["neo4j", "start", "--state-dir", str(tmp_path), "--password", "short"])
    assert result.exit_code == 15
    assert "at least 8 characters" in result.output


def test_start_without_java_says_so_with_exit_15(tmp_path):
    result = CliRunner().invoke(cli, ["neo4j", "start", "--state-dir", str(tmp_path / "s"), "--home",
                                      str(tmp_path / "home"), "--password", "long-enough"],
                                env={"PATH": str(tmp_path)})
    assert result.exit_code == 15
    assert "`java` not found on PATH" in result.output
    assert "Traceback" not in result.output


@pytest.mark.neo4j
def test_fetch_is_a_no_op_once_the_jars_are_there(launcher):
    result = CliRunner().invoke(cli, ["neo4j", "fetch"])
    assert result.exit_code == 0, result.output
    assert f"Neo4j {server.NEO4J_VERSION} is ready in" in result.stdout


@pytest.mark.neo4j
def test_start_on_a_busy_port_says_why_with_exit_15(launcher, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = CliRunner().invoke(cli, ["neo4j", "start", "--state-dir", str(tmp_path), "--port",
                                          str(busy.getsockname()[1]), "--password", "long-enough"])
    assert result.exit_code == 15, result.output
    assert "Address already in use" in result.output
    assert server.status(tmp_path) is None
