"""multipart/form-data bodies: one flat pass, bounded parts, no nesting, each refusal Graph's 100."""

from __future__ import annotations

from contextlib import AbstractContextManager

import pytest

from tests.server.domain.refusals import refused as refused_for
from wanumbers.server.domain.errors import Reason
from wanumbers.server.surfaces.graph.multipart import MAX_BOUNDARY, MAX_PARTS, form_fields

TYPE = "multipart/form-data; boundary=XyZ"


def body(*parts: tuple[str, str], boundary: str = "XyZ", newline: str = "\r\n", close: bool = True) -> bytes:
    nl = newline
    text = "".join(
        f'--{boundary}{nl}Content-Disposition: form-data; name="{name}"{nl}{nl}{value}{nl}'
        for name, value in parts
    )
    return (text + (f"--{boundary}--{newline}" if close else "")).encode()


def refused(detail: str) -> AbstractContextManager[None]:
    return refused_for(Reason.INVALID_PARAMETER, detail)


def test_fields_as_clients_send_them() -> None:
    assert form_fields(body(("code_method", "SMS"), ("language", "en_US")), TYPE) == {
        "code_method": "SMS",
        "language": "en_US",
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (body(("a", "1"), newline="\n"), {"a": "1"}),  # bare LF line ends
        (body(("a", "1"), close=False), {"a": "1"}),  # no closing delimiter
        (b"preamble\r\n" + body(("a", "1")) + b"epilogue --XyZ\r\n", {"a": "1"}),
        (body(("a", "line one\r\nline two")), {"a": "line one\r\nline two"}),
        (body(("a", "")), {"a": ""}),
        (body(("a", "1"), ("a", "2")), {"a": "2"}),  # the last value wins, as in a form
        (body(("caf\u00e9", "th\u00e9")), {"caf\u00e9": "th\u00e9"}),
        (b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--XyZ--\r\n", {}),
        (
            b"--XyZ\r\nContent-Disposition: form-data; name*=utf-8''access%5Ftoken\r\n\r\nT\r\n--XyZ--",
            {"access_token": "T"},
        ),
        (b"--XyZ\r\nContent-Disposition: form-data; name=a\r\n--XyZ--", {"a": ""}),  # headers only
        (b"--XyZ  \r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--", {"a": "1"}),  # padding
        (
            b"--XyZ\r\nbroken header line\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--",
            {"a": "1"},
        ),
    ],
)
def test_what_is_read(raw: bytes, expected: dict[str, str]) -> None:
    assert form_fields(raw, TYPE) == expected


def test_a_quoted_boundary() -> None:
    assert form_fields(body(("a", "1"), boundary="b c"), 'multipart/form-data; boundary="b c"') == {"a": "1"}


def test_the_part_limit() -> None:
    assert MAX_PARTS == 100
    most = [(f"p{index}", "v") for index in range(MAX_PARTS)]
    assert len(form_fields(body(*most), TYPE)) == MAX_PARTS
    assert len(form_fields(body(*most, close=False), TYPE)) == MAX_PARTS
    with refused(f"The multipart body has more than {MAX_PARTS} parts"):
        form_fields(body(*most, ("one", "more")), TYPE)


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "b" * (MAX_BOUNDARY + 1),
    ],
)
def test_a_boundary_is_needed(content_type: str) -> None:
    with refused("The multipart body has no valid boundary"):
        form_fields(b"--b\r\n\r\n", content_type)


def test_a_boundary_of_the_longest_length_is_taken() -> None:
    boundary = "b" * MAX_BOUNDARY
    assert form_fields(body(("a", "1"), boundary=boundary), f"multipart/form-data; boundary={boundary}") == {
        "a": "1"
    }


def nested(depth: int) -> bytes:
    """``depth`` multiparts, each the only part of the one before (the shape that crashed the stdlib)."""
    head = b"".join(
        b"--%d\r\ncontent-type:multipart/mixed;boundary=%d\r\n\r\n" % (level, level + 1)
        for level in range(depth)
    )
    return head + b"x" + b"".join(b"\r\n--%d--" % level for level in reversed(range(depth)))


@pytest.mark.parametrize("depth", [1, 1000])
def test_nesting_is_refused_whatever_its_depth(depth: int) -> None:
    with refused("A multipart body may not nest another multipart"):
        form_fields(nested(depth), "multipart/form-data; boundary=0")


@pytest.mark.parametrize("value", ["Ac\x00me", "Ac%00me"])
def test_a_nul_anywhere_is_refused(value: str) -> None:
    with refused("The multipart body may not contain NUL characters"):
        form_fields(body(("verified_name", value)), TYPE)
