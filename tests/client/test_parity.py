"""Sync and async clients expose the same methods with the same signatures and docs."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from wanumbers.client import (
    AsyncClientOptions,
    AsyncCloudAPI,
    AsyncKaleyra,
    ClientOptions,
    CloudAPI,
    Kaleyra,
)

PAIRS = [(Kaleyra, AsyncKaleyra), (CloudAPI, AsyncCloudAPI)]
# Their option types differ by design (httpx.Client vs AsyncClient, sleep vs async sleep).
TRANSPORT_TYPED = {"__init__", "with_options"}


def public_methods(cls: type) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(cls, callable)
        if not name.startswith("_") or name == "__init__"
    }


def parameters(method: Any, *, with_annotations: bool) -> list[tuple[Any, ...]]:
    return [
        (p.name, p.kind, p.default, p.annotation if with_annotations else None)
        for p in inspect.signature(method).parameters.values()
    ]


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=["Kaleyra", "CloudAPI"])
def test_same_method_names(sync: type, async_: type) -> None:
    assert public_methods(sync).keys() == public_methods(async_).keys()


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=["Kaleyra", "CloudAPI"])
def test_same_parameters_defaults_and_annotations(sync: type, async_: type) -> None:
    for name, method in public_methods(sync).items():
        twin = getattr(async_, name)
        typed = name not in TRANSPORT_TYPED
        assert parameters(method, with_annotations=typed) == parameters(twin, with_annotations=typed), name


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=["Kaleyra", "CloudAPI"])
def test_async_twins_are_awaitable_and_sync_ones_are_not(sync: type, async_: type) -> None:
    for name, method in public_methods(async_).items():
        if name in TRANSPORT_TYPED:
            continue
        if name.startswith("iter_"):
            assert inspect.isasyncgenfunction(method), name
            assert inspect.isgeneratorfunction(getattr(sync, name)), name
        else:
            assert inspect.iscoroutinefunction(method), name
            assert not inspect.iscoroutinefunction(getattr(sync, name)), name


@pytest.mark.parametrize(("sync", "async_"), PAIRS, ids=["Kaleyra", "CloudAPI"])
def test_every_public_method_is_documented_on_both(sync: type, async_: type) -> None:
    for cls in (sync, async_):
        for name, method in public_methods(cls).items():
            assert inspect.getdoc(method), f"{cls.__name__}.{name} has no docstring"


def test_option_knobs_match() -> None:
    assert ClientOptions.__annotations__.keys() == AsyncClientOptions.__annotations__.keys()
    assert set(ClientOptions.__optional_keys__) == set(ClientOptions.__annotations__)
