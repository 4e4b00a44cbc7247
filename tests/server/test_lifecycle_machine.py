"""A Hypothesis state machine over the HTTP app: add / request code / verify (right and wrong) /
update / details / key revocation / clock moves, on SQLite and PostgreSQL.

Invariants: never a 5xx; a verified number stays verified (legal transitions only); at most one
success per code; never more than 5 codes per number in any 10 minutes; a locked number (20
failures) never verifies; a revoked key is always refused; a fresh right code on an unlocked,
unverified number always verifies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import make_tenant
from tests.server.guarantees.support import fresh_phone, kaleyra_add_body
from wanumbers.server.domain import otp
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.services import admin, auth, registration, sim
from wanumbers.server.services.runtime import Runtime

SETTINGS = settings(
    max_examples=15,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass
class Number:
    id: str
    e164: str
    verified: bool = False
    failures: int = 0
    attempts: int = 0  # wrong checks of the latest code
    successes_by_code: dict[str, int] = field(default_factory=dict)


def _machine(client: TestClient, rt: Runtime) -> type[RuleBasedStateMachine]:
    class Lifecycle(RuleBasedStateMachine):
        numbers = Bundle("numbers")

        def __init__(self) -> None:
            super().__init__()
            sync(sim.reset_clock(rt))
            self.tenant = make_tenant(rt)
            self.live = [self.tenant.api_key]
            self.revoked: list[str] = []
            self.model: dict[str, Number] = {}

        def _headers(self, key: str | None = None) -> dict[str, str]:
            return {"api-key": key or self.live[-1], "Content-Type": "application/json"}

        def _check(self, response: httpx.Response) -> httpx.Response:
            assert response.status_code < 500, response.text
            return response

        @rule(target=numbers)
        def add(self) -> str:
            phone = fresh_phone()
            response = self._check(
                client.post(self.tenant.path("add"), headers=self._headers(), json=kaleyra_add_body(phone))
            )
            assert response.status_code == 200, response.text
            number = Number(response.json()["data"], "+91" + phone)
            self.model[number.id] = number
            return number.id

        @rule(number_id=numbers)
        def request_code(self, number_id: str) -> None:
            number = self.model[number_id]
            account = sync(auth.account_for_api_key(rt, self.tenant.sid, self.live[-1]))
            try:
                sync(registration.request_code(rt, account, int(number_id), "SMS", "en_US"))
            except DomainError as error:
                assert error.reason in (
                    Reason.ALREADY_VERIFIED,
                    Reason.OTP_SEND_LIMIT,
                    Reason.VERIFICATION_LOCKED,
                )
                if error.reason is Reason.ALREADY_VERIFIED:
                    assert number.verified
                return
            assert not number.verified and number.failures < otp.MAX_FAILURES_PER_NUMBER
            number.attempts = 0

        def _verify(self, number: Number, code: str) -> httpx.Response:
            body = {"id": int(number.id), "phone_number": number.e164, "otp": code}
            return self._check(client.post(self.tenant.path("verify"), headers=self._headers(), json=body))

        @rule(number_id=numbers)
        def verify_right(self, number_id: str) -> None:
            number = self.model[number_id]
            latest = sync(sim.outbox(rt, number.e164, 1))[0]
            fresh = sync(
                sim.clock(rt)
            ).now - latest.sent_at < otp.CODE_TTL and not number.successes_by_code.get(latest.code)
            attempts = number.attempts
            response = self._verify(number, latest.code)
            if response.status_code == 200:
                number.successes_by_code[latest.code] = number.successes_by_code.get(latest.code, 0) + 1
                assert not number.verified, "verified twice"
                assert number.failures < otp.MAX_FAILURES_PER_NUMBER, "a locked number verified"
                number.verified = True
            elif fresh and not number.verified and number.failures < otp.MAX_FAILURES_PER_NUMBER:
                assert attempts >= otp.MAX_CHECKS_PER_CODE, f"a fresh right code was refused: {response.text}"

        @rule(number_id=numbers, data=st.data())
        def verify_wrong(self, number_id: str, data: st.DataObject) -> None:
            number = self.model[number_id]
            right = sync(sim.outbox(rt, number.e164, 1))[0].code
            wrong = data.draw(st.from_regex(r"\A[0-9]{6}\Z").filter(lambda c: c != right))
            response = self._verify(number, wrong)
            assert response.status_code != 200
            if response.json().get("message") == "Incorrect OTP":
                number.failures += 1
                number.attempts += 1

        @rule(
            number_id=numbers,
            about=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20),
        )
        def update(self, number_id: str, about: str) -> None:
            body = {"phone_number": self.model[number_id].e164, "about": about}
            response = self._check(client.put(self.tenant.path("update"), headers=self._headers(), json=body))
            assert response.status_code in (200, 400), response.text

        @rule(number_id=numbers)
        def details(self, number_id: str) -> None:
            number = self.model[number_id]
            path = f"/v2/{self.tenant.sid}/whatsapp/{number.e164[1:]}/phone_number_details"
            response = self._check(client.get(path, headers={"api-key": self.live[-1]}))
            assert response.status_code == 200, response.text
            assert (response.json()["status"] == "CONNECTED") == number.verified

        @rule()
        def add_key(self) -> None:
            self.live.append(sync(admin.add_api_key(rt, self.tenant.sid)))

        @rule()
        def revoke_oldest_key(self) -> None:
            if len(self.live) > 1:
                key = self.live.pop(0)
                assert sync(admin.revoke_secret(rt, "api_key", key))
                self.revoked.append(key)

        @rule(minutes=st.integers(1, 11))
        def move_clock(self, minutes: int) -> None:
            sync(sim.advance_clock(rt, minutes * 60))

        @invariant()
        def revoked_keys_are_refused(self) -> None:
            if self.revoked:
                response = client.post(
                    self.tenant.path("add"),
                    headers=self._headers(self.revoked[-1]),
                    json=kaleyra_add_body(fresh_phone()),
                )
                assert response.status_code == 401 and response.json()["code"] == "RBC001"

        @invariant()
        def limits_hold(self) -> None:
            for number in self.model.values():
                sent = sorted(d.sent_at for d in sync(sim.outbox(rt, number.e164)))
                for first, last in zip(sent, sent[otp.MAX_SENDS_PER_WINDOW :], strict=False):
                    assert last - first >= timedelta(minutes=10), "more than 5 codes in 10 minutes"
                assert all(count <= 1 for count in number.successes_by_code.values())

    return Lifecycle


def test_number_lifecycle_state_machine(app_client: TestClient, runtime: Runtime) -> None:
    run_state_machine_as_test(_machine(app_client, runtime), settings=SETTINGS)
