"""What every Graph endpoint does first: read parameters, authenticate, resolve the path's object id;
and how it fails: in Graph's envelope, with the object id and method Meta's messages quote."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import parse_id
from wanumbers.server.domain.records import Account
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.surfaces.graph import errors
from wanumbers.server.surfaces.graph.auth import MissingToken, account_of
from wanumbers.server.surfaces.graph.fields import NonexistingField
from wanumbers.server.surfaces.graph.params import Params, read_params
from wanumbers.server.surfaces.http import Endpoint, Envelope, guarded, runtime

ENVELOPE = Envelope(
    domain_error=errors.render,
    server_fault=errors.server_fault,
    too_large=errors.too_large,
)


@dataclass(frozen=True, slots=True)
class GraphCall:
    """An authenticated request: the runtime, the caller's account, its parameters and the object id."""

    rt: Runtime
    account: Account
    params: Params
    object_id: int


Handler = Callable[[Request, GraphCall], Awaitable[Response]]


def _object_id(raw: str) -> int:
    # Graph ids are numeric; anything else cannot name an object, which Graph reports as not found.
    object_id = parse_id(raw)
    if object_id is None:
        raise DomainError(Reason.NUMBER_NOT_FOUND)
    return object_id


def graph_endpoint(operation: str, handler: Handler) -> Endpoint:
    """``handler`` behind auth and Graph's error rendering; faults for ``graph.<operation>`` apply."""

    async def endpoint(request: Request) -> Response:
        raw_id = request.path_params.get("node_id", "")
        try:
            params = await read_params(request)
            account = await account_of(request, params)
            return await handler(request, GraphCall(runtime(request), account, params, _object_id(raw_id)))
        except MissingToken:
            return errors.missing_token()
        except NonexistingField as missing:
            return errors.nonexisting_field(missing.name, missing.node_type)
        except DomainError as error:
            return errors.render(error, operation, request.method, raw_id)

    endpoint.__name__ = operation
    return guarded(f"graph.{operation}", ENVELOPE)(endpoint)
