"""Fixtures for the SDK tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

# Until the package is installed in the dev venv, make ``src`` importable (harmless afterwards).
if importlib.util.find_spec("wanumbers") is None:  # pragma: no cover - depends on the venv
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from ._support import Sleeps, load_seed


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def seed_000() -> dict[str, Any]:
    return load_seed("000")


@pytest.fixture
def seed_001() -> dict[str, Any]:
    return load_seed("001")


@pytest.fixture
def seed_002() -> dict[str, Any]:
    return load_seed("002")


@pytest.fixture
def seed_003() -> dict[str, Any]:
    return load_seed("003")


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()
