"""The plain form fields of a ``multipart/form-data`` body, read in one flat pass with bounds.

The stdlib ``email`` parser recurses into nested multiparts: 1,000 nested parts in 62 KB raised
RecursionError (a 500), before any credential was checked. Here a body is split on its boundary once,
no part is parsed as a multipart of its own, and the bounds are checked before any part is read:

- at most ``MAX_PARTS`` parts (Graph's phone-number endpoints take fewer than 20 parameters);
- no nesting: a part whose ``Content-Type`` is ``multipart/…`` is refused (form fields are flat, RFC 7578);
- a boundary must be given, 1-70 characters (RFC 2046);
- no NUL character (raw or ``%00``) anywhere: PostgreSQL cannot store one, and the ingress check that
  refuses them in text bodies does not look inside multipart ones.

Each refusal is Graph's invalid-parameter error (400, code 100). Lines may end in CRLF (as clients
send) or a bare LF; the preamble and epilogue are ignored, as RFC 2046 says; a body that ends without
its closing delimiter keeps the parts it had.
"""

from __future__ import annotations

from email.message import Message

from wanumbers.server.domain.errors import DomainError, Reason

MAX_PARTS = 100
MAX_BOUNDARY = 70


def _invalid(detail: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail)


def _header_params(name: str, value: str, param: str) -> tuple[str, str | None]:
    """The main value of a header (lower-cased) and one of its parameters (quoting, RFC 2231)."""
    message = Message()
    message[name] = value
    found = message.get_param(param, header=name)
    text = message.get_content_type() if name == "content-type" else value.split(";", 1)[0].strip().lower()
    if isinstance(found, tuple):  # an RFC 2231 value: (charset, language, text)
        found = found[2]
    return text, found if isinstance(found, str) else None


def boundary_of(content_type: str) -> bytes:
    _, boundary = _header_params("content-type", content_type, "boundary")
    if not boundary or len(boundary) > MAX_BOUNDARY:
        raise _invalid("The multipart body has no valid boundary")
    return boundary.encode("latin-1", "replace")


def form_fields(body: bytes, content_type: str) -> dict[str, str]:
    """Every named field of the body (a repeated name: the last value), as text."""
    delimiter = b"\n--" + boundary_of(content_type)
    if b"\x00" in body or b"%00" in body:
        raise _invalid("The multipart body may not contain NUL characters")
    pieces = (b"\n" + body).split(delimiter, MAX_PARTS + 1)
    if len(pieces) > MAX_PARTS + 1 and not pieces[-1].startswith(b"--"):
        raise _invalid(f"The multipart body has more than {MAX_PARTS} parts")
    fields: dict[str, str] = {}
    last = len(pieces) - 1
    for index, piece in enumerate(pieces[1:], 1):
        if piece.startswith(b"--"):  # the closing delimiter: what follows is the epilogue
            break
        if index == last and piece.endswith(b"\n"):  # no closing delimiter: the body's last line end
            piece = piece[:-1]
        name, value = _part(piece)
        if name is not None:
            fields[name] = value
    return fields


def _part(piece: bytes) -> tuple[str | None, str]:
    _, _, rest = piece.partition(b"\n")  # what followed the delimiter on its line (transport padding)
    head, separator, content = rest.partition(b"\r\n\r\n")
    if not separator:
        head, separator, content = rest.partition(b"\n\n")
    if not separator:  # a part with headers only, or nothing
        head, content = rest, b""
    name: str | None = None
    for line in head.decode("utf-8", "replace").splitlines():
        key, colon, value = line.partition(":")
        key = key.strip().lower()
        if not colon:
            continue
        if key == "content-type" and _header_params(key, value, "boundary")[0].startswith("multipart/"):
            raise _invalid("A multipart body may not nest another multipart")
        if key == "content-disposition":
            name = _header_params(key, value, "name")[1]
    if content.endswith(b"\r"):
        content = content[:-1]
    return name, content.decode("utf-8", "replace")
