"""A scrape in multiprocess mode (``--workers N``) adds up every worker's files, whatever their state."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wanumbers.server import metrics

A_WORKER = """
from wanumbers.server import metrics
metrics.record_request("kaleyra", "/v2/{sid}/whatsapp/{phone}/phone_number_details", "GET", 200, 0.002)
metrics.flush()
"""


def test_a_worker_file_created_but_not_yet_sized_does_not_fail_the_scrape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", A_WORKER], env=env, check=True, timeout=60)
    (tmp_path / "counter_4242.db").touch()  # another worker, between creating its file and sizing it
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))
    page = metrics.exposition().decode()
    assert 'wanumbers_http_requests_total{contract="kaleyra"' in page
    assert 'status="200"} 1.0' in page
