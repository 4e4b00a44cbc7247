"""What every Graph endpoint does first, in Graph's order: the credential and the object the path names
(one statement), then the parameters; and how it fails: in Graph's envelope, with the object id and
method Meta's messages quote.

A missing object and another account's look alike (100/33), and both are reported before anything
about the parameters, as Graph does (``POST /999999/request_code`` with no parameters says the object
does not exist).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import parse_id
from wanumbers.server.domain.records import Account, PhoneNumber, Waba
from wanumbers.server.services import auth
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.access import Access
from wanumbers.server.surfaces import credentials
from wanumbers.server.surfaces.graph import errors
from wanumbers.server.surfaces.graph import params as graph_params
from wanumbers.server.surfaces.graph.fields import NonexistingField
from wanumbers.server.surfaces.graph.params import Params
from wanumbers.server.surfaces.http import Endpoint, Envelope, apply_faults, guarded, runtime

ENVELOPE = Envelope(
    domain_error=errors.render,
    server_fault=errors.server_fault,
    too_large=errors.too_large,
)


@dataclass(frozen=True, slots=True)
class GraphCall:
    """An authenticated request on an object its account owns: the runtime, the account, the object
    (a number with its WABA, or a WABA) and the request's parameters."""

    rt: Runtime
    account: Account
    params: Params
    object_id: int
    access: Access

    @property
    def number(self) -> PhoneNumber:
        assert self.access.number is not None
        return self.access.number

    @property
    def waba(self) -> Waba:
        assert self.access.waba is not None
        return self.access.waba


Handler = Callable[[Request, GraphCall], Awaitable[Response]]
StatusOnly = Callable[[Params], bool]
NUMBER, WABA = frozenset({"number"}), frozenset({"waba"})


async def _access(request: Request, raw_id: str, route: str, status_only: bool) -> Access:
    """The credential and the object ``raw_id`` names, in one statement; raises what Graph answers.
    ``status_only``: a number is mapped with its status columns alone (``STATUS_FIELDS``)."""
    credential = credentials.of(request.scope)
    if credential.missing:
        raise DomainError(Reason.CREDENTIAL_MISSING)
    presented = credential.presented
    if presented is None:
        raise credentials.Conflicting
    rt = runtime(request)
    object_id = parse_id(raw_id)  # Graph ids are numeric: anything else names nothing
    async with rt.uow() as uow:
        found = await uow.access.to_node(presented.kind, presented.digest, object_id or 0, status_only)
    await apply_faults(request, route, found.faults_armed if found is not None else None)
    return auth.admit(rt, found)


def graph_endpoint(
    operation: str,
    handler: Handler,
    kinds: frozenset[str] = NUMBER,
    reads_status_only: StatusOnly | None = None,
) -> Endpoint:
    """``handler`` behind Graph's checks, for objects of ``kinds``; faults for ``graph.<operation>``
    apply (gated with the flag the one statement read). ``reads_status_only``: whether the handler,
    given these parameters, reads only a number's status fields (its statement then maps no more)."""
    route = f"graph.{operation}"

    async def endpoint(request: Request) -> Response:
        raw_id = request.path_params.get("node_id", "")
        params = request.scope.get(graph_params.SCOPE_KEY, {})
        status_only = (
            reads_status_only is not None
            and not isinstance(params, DomainError)
            and reads_status_only(params)
        )
        try:
            access = await _access(request, raw_id, route, status_only)
            if access.node_kind not in kinds:
                raise DomainError(Reason.NUMBER_NOT_FOUND)
            if isinstance(params, DomainError):
                raise params
            call = GraphCall(runtime(request), access.account, params, int(raw_id), access)
            return await handler(request, call)
        except NonexistingField as missing:
            return errors.nonexisting_field(missing.name, missing.node_type)
        except DomainError as error:
            return errors.render(error, operation, request.method, raw_id)

    endpoint.__name__ = operation
    return guarded(route, ENVELOPE, gates_faults=False)(endpoint)
