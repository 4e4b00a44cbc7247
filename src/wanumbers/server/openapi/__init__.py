"""The service's own OpenAPI document (``openapi.json``): both wire contracts, served at
``GET /openapi.json`` and tested by Schemathesis (tests/server/test_openapi_schemathesis.py)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def document() -> bytes:
    """The document's bytes, read once from the package data."""
    return files(__package__).joinpath("openapi.json").read_bytes()
