"""Domain errors: the stable reasons the surfaces' tables key on, and what an error carries."""

from __future__ import annotations

import pytest

from wanumbers.server.domain.errors import DomainError, Reason


def test_reasons_are_stable_snake_case_names() -> None:
    assert {reason.name: reason.value for reason in Reason} == {
        "UNAUTHENTICATED": "unauthenticated",
        "CREDENTIAL_MISSING": "credential_missing",
        "CREDENTIAL_REVOKED": "credential_revoked",
        "CREDENTIAL_EXPIRED": "credential_expired",
        "ACCOUNT_NOT_FOUND": "account_not_found",
        "WABA_NOT_FOUND": "waba_not_found",
        "NUMBER_NOT_FOUND": "number_not_found",
        "NUMBER_EXISTS": "number_exists",
        "NUMBER_LIMIT": "number_limit",
        "INVALID_PHONE_NUMBER": "invalid_phone_number",
        "PHONE_NUMBER_TOO_SHORT": "phone_number_too_short",
        "ALREADY_VERIFIED": "already_verified",
        "NOT_VERIFIED": "not_verified",
        "OTP_WRONG": "otp_wrong",
        "OTP_EXPIRED": "otp_expired",
        "OTP_NOT_REQUESTED": "otp_not_requested",
        "OTP_ATTEMPTS_EXHAUSTED": "otp_attempts_exhausted",
        "OTP_SEND_LIMIT": "otp_send_limit",
        "VERIFICATION_LOCKED": "verification_locked",
        "REGISTRATION_LIMIT": "registration_limit",
        "PIN_MISMATCH": "pin_mismatch",
        "NOT_REGISTERED": "not_registered",
        "NAME_NOT_APPROVED": "name_not_approved",
        "ILLEGAL_TRANSITION": "illegal_transition",
        "INVALID_PARAMETER": "invalid_parameter",
        "UNSAFE_URL": "unsafe_url",
        "VERSION_MISMATCH": "version_mismatch",
        "TRANSIENT": "transient",
        "UPSTREAM": "upstream",
    }


@pytest.mark.parametrize("reason", list(Reason))
def test_without_a_detail_the_reason_is_the_message(reason: Reason) -> None:
    error = DomainError(reason)
    assert (error.reason, error.detail, str(error)) == (reason, reason.value, reason.value)
    assert (error.field, error.retry_after, error.upstream) == (None, None, None)


def test_an_empty_detail_falls_back_to_the_reason() -> None:
    error = DomainError(Reason.TRANSIENT, "")
    assert (error.detail, str(error)) == ("transient", "transient")


def test_an_error_carries_its_detail_field_wait_and_upstream_body() -> None:
    body: dict[str, object] = {"error": {"code": 131000}}
    error = DomainError(Reason.OTP_SEND_LIMIT, "try again later", field="code", retry_after=42, upstream=body)
    assert (error.reason, error.detail, str(error)) == (
        Reason.OTP_SEND_LIMIT,
        "try again later",
        "try again later",
    )
    assert (error.field, error.retry_after, error.upstream) == ("code", 42, body)
    assert isinstance(error, Exception)
