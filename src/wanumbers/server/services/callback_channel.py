"""The Kaleyra producer of the delivery queue: a Meta change for a number becomes one signed request per
callback profile of the number (``callback_profile_id`` and ``outgoing_callback_profile_id``, once each)
that is subscribed to the change's event.

``webhook-timestamp`` is the wall clock when the request is rendered: receivers (the
``standardwebhooks`` libraries) refuse one more than 5 minutes off their clock, so a request resent
later than that must be re-signed first: ``resign(uow, request)`` (same ``webhook-id``, same body), with
the profile's current secret (a rotated secret signs every try after the rotation).

Called inside the unit of work that records the change (the outbox stores what it returns in the same
transaction), so it only reads: the number's routing, its profiles.
"""

from __future__ import annotations

import secrets
import time

from wanumbers.server.domain import callback_render
from wanumbers.server.domain.callback_profiles import PHONE_NUMBER_EVENTS
from wanumbers.server.domain.outbound import OutboundRequest, PhoneNumberChange
from wanumbers.server.storage.uow import UnitOfWork

NAME = "kaleyra"  # the producer's name in the delivery queue (``wanumbers events list``)


class CallbackChannel:
    """The producer and its re-signer, holding the server key the profiles' secrets derive from
    (``otp_keys.py``: outside the store, so a dump of the store alone signs nothing)."""

    def __init__(self, server_key: bytes) -> None:
        self._key = server_key

    def secret(self, profile_id: str, generation: int) -> str:
        return callback_render.secret_for(self._key, profile_id, generation)

    async def requests_for(self, uow: UnitOfWork, change: PhoneNumberChange) -> list[OutboundRequest]:
        """The requests Kaleyra's callback profiles send for ``change`` (none for events they do not
        carry, for account-level changes, or for a number without subscribed profiles)."""
        if change.number_id is None or change.field not in PHONE_NUMBER_EVENTS:
            return []
        routing = await uow.numbers.callback_routing(change.number_id)
        if routing is None or not routing[0]:
            return []
        ids, account_id = routing
        profiles = await uow.callback_profiles.owned_of(account_id, ids)
        subscribed = sorted(
            (profile for profile in profiles if profile.subscribed(change.field)),
            key=lambda p: ids.index(p.id),
        )
        return [
            callback_render.request_for(
                profile,
                change,
                secret=self.secret(profile.id, profile.secret_generation),
                message_id=callback_render.message_id(profile.id, secrets.token_hex(8)),
                timestamp=int(time.time()),  # the receiver's clock judges it, not the emulator's
            )
            for profile in subscribed
        ]

    async def resign(
        self, uow: UnitOfWork, request: OutboundRequest, timestamp: int | None = None
    ) -> OutboundRequest | None:
        """``request`` (one ``requests_for`` made) signed again now with the profile's current secret,
        for a resend. ``None`` when it is not a callback-profile request, or its profile has been deleted
        since: then it is not to be sent."""
        profile_id = callback_render.profile_of(dict(request.headers).get("webhook-id", ""))
        if profile_id is None:
            return None
        generation = await uow.callback_profiles.secret_generation(profile_id)
        if generation is None:
            return None
        secret = self.secret(profile_id, generation)
        return callback_render.resign(request, secret, int(time.time()) if timestamp is None else timestamp)
