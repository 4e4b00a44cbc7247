"""One way to assert a domain refusal whole: its reason, its exact detail and what it names.

The surfaces render ``detail``, ``field`` and ``retry_after`` on the wire, so a test that checks only the
reason would let a changed message, a lost field name or a wrong wait through unnoticed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from wanumbers.server.domain.errors import DomainError, Reason


@contextmanager
def refused(
    reason: Reason, detail: str, *, field: str | None = None, retry_after: int | None = None
) -> Iterator[None]:
    with pytest.raises(DomainError) as caught:
        yield
    error = caught.value
    assert (error.reason, error.detail, error.field, error.retry_after) == (
        reason,
        detail,
        field,
        retry_after,
    )
    assert str(error) == detail
    assert error.upstream is None


def invalid(detail: str, field: str | None = None) -> AbstractContextManager[None]:
    """The commonest refusal: INVALID_PARAMETER with ``detail``, naming ``field``."""
    return refused(Reason.INVALID_PARAMETER, detail, field=field)
