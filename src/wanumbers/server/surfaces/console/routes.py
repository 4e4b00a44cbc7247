"""``/console/…`` routes, mounted by app.py when the console is on (``enabled``). Route names carry no
dot, so the control plane's fault catalogue (``sim/catalog.py``) never lists them."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route

from wanumbers.server.settings import Settings
from wanumbers.server.surfaces.console import pages


def enabled(settings: Settings) -> bool:
    """``--console on``, or ``auto`` while the control plane is on (``--control-plane``)."""
    if settings.console != "auto":
        return settings.console == "on"
    return settings.control_plane_on


def routes(settings: Settings) -> list[BaseRoute]:
    if not enabled(settings):
        return []
    return [
        Mount(
            "/console",
            routes=[
                Route("/", pages.home, methods=["GET"], name="console_home"),
                Route("/sign-in", pages.sign_in_form, methods=["GET"], name="console_sign_in_form"),
                Route("/sign-in", pages.sign_in, methods=["POST"], name="console_sign_in"),
                Route("/sign-out", pages.sign_out, methods=["POST"], name="console_sign_out"),
                Route("/fleet", pages.fleet, methods=["GET"], name="console_fleet"),
                Route("/numbers/{number_id}", pages.number, methods=["GET"], name="console_number"),
                Route(
                    "/numbers/{number_id}/{action}",
                    pages.control,
                    methods=["POST"],
                    name="console_control",
                ),
                Route("/emulator", pages.emulator_page, methods=["GET"], name="console_emulator"),
                Route(
                    "/emulator/{action}", pages.emulator_action, methods=["POST"], name="console_emulator_do"
                ),
                Route("/deliveries", pages.deliveries_page, methods=["GET"], name="console_deliveries"),
                Route(
                    "/deliveries/{delivery_id}", pages.delivery_page, methods=["GET"], name="console_delivery"
                ),
                Route(
                    "/deliveries/{delivery_id}/replay",
                    pages.delivery_replay,
                    methods=["POST"],
                    name="console_delivery_replay",
                ),
                Route("/static/console.css", pages.stylesheet, methods=["GET"], name="console_css"),
                Route("/static/console.js", pages.script, methods=["GET"], name="console_js"),
            ],
        )
    ]
