"""Share docstrings between sync and async twins, so each method is documented once."""

from __future__ import annotations

import inspect


def copy_docs(source: type, target: type) -> None:
    """Give each public method of ``target`` the docstring of its twin on ``source``."""
    for name, method in vars(target).items():
        twin = getattr(source, name, None)
        if name.startswith("_") or twin is None or not callable(method):
            continue
        if method.__doc__ is None:
            method.__doc__ = inspect.getdoc(twin)
