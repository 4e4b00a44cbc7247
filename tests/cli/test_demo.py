"""``serve --demo``'s printout: credentials for both contracts, an ``export`` line, curls that work."""

from __future__ import annotations

import shlex
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from wanumbers.cli.demo import print_demo
from wanumbers.server.settings import Settings


def demo_output(database_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    print_demo(Settings(database_url=database_url), shown_store="the store")
    return capsys.readouterr().err


def exported(output: str) -> dict[str, str]:
    (line,) = [line.strip() for line in output.splitlines() if line.strip().startswith("export ")]
    return dict(word.split("=", 1) for word in shlex.split(line)[1:])


def curl_lines(output: str) -> list[list[str]]:
    """Each printed curl as argv (continuation lines joined), as a shell would read it."""
    text = output.replace("\\\n", " ")
    return [shlex.split(line) for line in text.splitlines() if line.strip().startswith("curl ")]


def run_curl(client: TestClient, argv: list[str]) -> int:
    """Send what a printed ``curl`` would send (method, URL, -H headers, -d form fields or JSON)."""
    method, headers, data, url = "GET", {}, [], ""
    words = iter(argv[1:])
    for word in words:
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, value = next(words).split(": ", 1)
            headers[name] = value
        elif word == "-d":
            data.append(next(words))
        else:
            url = word
    if data and method == "GET":
        method = "POST"
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    body = "&".join(data) if data else None
    if body and not body.startswith("{"):
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    return client.request(method, target, headers=headers, content=body).status_code


def test_demo_prints_every_credential_once_in_an_export_line(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = demo_output(database_url, capsys)
    values = exported(output)

    assert set(values) == {"SID", "KEY", "WABA", "TOKEN"}
    assert values["TOKEN"].startswith("wnt_") and values["KEY"].startswith("wnk_")
    for label in ("SID:", "API key:", "WABA id:", "Graph token:"):
        assert label in output


def test_the_printed_graph_token_and_curls_work(
    database_url: str, app_client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    output = demo_output(database_url, capsys)
    curls = [argv for argv in curl_lines(output) if "<id>" not in " ".join(argv)]
    graph = [argv for argv in curls if "/v23.0/" in " ".join(argv)]
    kaleyra = [argv for argv in curls if "/v2/" in " ".join(argv)]

    assert len(graph) == 2 and len(kaleyra) == 3  # list, create; add, update, details
    add, update, details = kaleyra
    listing, create = graph
    statuses = [run_curl(app_client, argv) for argv in [add, create, listing, update, details]]
    assert statuses == [200, 200, 200, 200, 200]


def test_a_second_demo_run_keeps_the_account_and_issues_fresh_secrets(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = exported(demo_output(database_url, capsys))
    second = exported(demo_output(database_url, capsys))

    assert (second["SID"], second["WABA"]) == (first["SID"], first["WABA"])
    assert second["KEY"] != first["KEY"] and second["TOKEN"] != first["TOKEN"]
