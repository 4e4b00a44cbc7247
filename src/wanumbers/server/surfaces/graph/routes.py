"""Graph routes. Each path is served with a dotted version (``/v23.0/…``, any ``vNN.N``) and without
one. Kaleyra's ``/v1``/``/v2`` routes are mounted first and have more segments; a Graph version
always has a dot, so the two never match the same path."""

from __future__ import annotations

import re

from starlette.convertors import Convertor, register_url_convertor
from starlette.routing import Route

from wanumbers.server.surfaces.graph import (
    config_views,
    lifecycle_views,
    node_views,
    settings_views,
    webhook_views,
)
from wanumbers.server.surfaces.graph.endpoint import NUMBER, WABA, Handler, StatusOnly, graph_endpoint


class GraphVersion(Convertor[str]):
    regex = r"v[0-9]+\.[0-9]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        if not re.fullmatch(self.regex, value):
            raise ValueError(f"not a Graph version: {value}")
        return value


register_url_convertor("graph_version", GraphVersion())


def _routes(path: str, method: str, operation: str, handler: Handler) -> list[Route]:
    kinds = _NODE_KINDS.get(operation, NUMBER)
    endpoint = graph_endpoint(operation, handler, kinds, _STATUS_ONLY_READS.get(operation))
    routes = [
        Route("/{version:graph_version}" + path, endpoint, methods=[method], name=f"graph.{operation}"),
        Route(path, endpoint, methods=[method], name=f"graph.{operation}.unversioned"),
    ]
    if path == "/{node_id}":
        # Graph serves the node with a trailing slash too (pywa posts its webhook override to /{id}/);
        # without these, Starlette would answer a 307 with an empty body.
        routes += [
            Route(
                f"/{{version:graph_version}}{path}/",
                endpoint,
                methods=[method],
                name=f"graph.{operation}.slash",
            ),
            Route(f"{path}/", endpoint, methods=[method], name=f"graph.{operation}.unversioned.slash"),
        ]
    return routes


# What the node id of each operation may name (a phone number unless listed here).
_NODE_KINDS = {
    "list_numbers": WABA,
    "create_number": WABA,
    "get_node": NUMBER | WABA,
    "subscribe_waba": WABA,
    "list_subscribed_apps": WABA,
    "unsubscribe_waba": WABA,
}

# Operations that may read a number's status columns alone, and when (given the parameters).
_STATUS_ONLY_READS: dict[str, StatusOnly] = {"get_node": node_views.node_reads_status_only}

_TABLE: list[tuple[str, str, str, Handler]] = [
    ("/{node_id}", "GET", "get_node", node_views.get_node),  # a number or a WABA
    ("/{node_id}", "POST", "update_node", node_views.update_node),
    ("/{node_id}/phone_numbers", "GET", "list_numbers", node_views.list_phone_numbers),
    ("/{node_id}/phone_numbers", "POST", "create_number", node_views.create_phone_number),
    ("/{node_id}/request_code", "POST", "request_code", lifecycle_views.request_code),
    ("/{node_id}/verify_code", "POST", "verify_code", lifecycle_views.verify_code),
    ("/{node_id}/register", "POST", "register", lifecycle_views.register),
    ("/{node_id}/deregister", "POST", "deregister", lifecycle_views.deregister),
    ("/{node_id}/conversational_automation", "POST", "set_automation", config_views.set_automation),
    ("/{node_id}/whatsapp_business_profile", "GET", "get_profile", config_views.get_profile),
    ("/{node_id}/whatsapp_business_profile", "POST", "update_profile", config_views.update_profile),
    ("/{node_id}/settings", "GET", "get_settings", settings_views.get_settings),
    ("/{node_id}/settings", "POST", "update_settings", settings_views.update_settings),
    ("/{node_id}/subscribed_apps", "POST", "subscribe_waba", webhook_views.post_subscribed_apps),
    ("/{node_id}/subscribed_apps", "GET", "list_subscribed_apps", webhook_views.get_subscribed_apps),
    ("/{node_id}/subscribed_apps", "DELETE", "unsubscribe_waba", webhook_views.delete_subscribed_apps),
]

# Authenticated by an app token (or none, for the token exchange), not by an account's access token.
_APP_TABLE = [
    ("/oauth/access_token", "GET", "oauth_access_token", webhook_views.oauth_access_token),
    ("/{node_id}/subscriptions", "POST", "subscribe_app", webhook_views.post_subscriptions),
    ("/{node_id}/subscriptions", "GET", "list_app_subscriptions", webhook_views.get_subscriptions),
]

routes = [
    route
    for path, method, operation, handler in _TABLE
    for route in _routes(path, method, operation, handler)
] + [
    route
    for path, method, operation, endpoint in _APP_TABLE
    for route in (
        Route(
            "/{version:graph_version}" + path,
            webhook_views.app_endpoint(operation, endpoint),
            methods=[method],
            name=f"graph.{operation}",
        ),
        Route(
            path,
            webhook_views.app_endpoint(operation, endpoint),
            methods=[method],
            name=f"graph.{operation}.unversioned",
        ),
    )
]
