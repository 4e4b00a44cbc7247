"""``wanumbers profiles``: the operator reads a profile's signing secret (and lists profiles) straight from
the database; the ``--json`` keys are a contract for scripts."""

from __future__ import annotations

import json
from typing import Any

from click.testing import CliRunner

from tests._sync import sync
from tests.conftest import Tenant
from wanumbers.cli import main
from wanumbers.server.domain import callback_render
from wanumbers.server.domain.records import Account
from wanumbers.server.services import admin, callback_profiles
from wanumbers.server.services.runtime import Runtime


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def make(runtime: Runtime, tenant: Tenant, title: str = "Hook") -> str:
    account: Account = sync(admin.find_account(runtime, tenant.sid))
    payload = {
        "title": title,
        "http_method": "POST",
        "url": "http://127.0.0.1:9/",
        "events": ["phone_number_quality_update"],
    }
    return sync(callback_profiles.create(runtime, account, payload)).id


def test_secret_prints_the_profiles_whsec_secret(database_url: str, runtime: Runtime, tenant: Tenant) -> None:
    profile_id = make(runtime, tenant)
    shown = invoke(
        "profiles",
        "secret",
        "--sid",
        tenant.sid,
        "--id",
        profile_id,
        "--database-url",
        database_url,
        "--json",
    )
    assert shown == {
        "profile_id": profile_id,
        "secret": sync(callback_profiles.secret(runtime, tenant.sid, profile_id)),
    }
    assert shown["secret"].startswith(callback_render.SECRET_PREFIX)
    plain = CliRunner().invoke(
        main, ["profiles", "secret", "--sid", tenant.sid, "--id", profile_id, "--database-url", database_url]
    )
    assert plain.output == shown["secret"] + "\n"


def test_rotate_prints_a_new_secret_that_the_profile_signs_with_from_then_on(
    database_url: str, runtime: Runtime, tenant: Tenant
) -> None:
    profile_id = make(runtime, tenant)
    before = sync(callback_profiles.secret(runtime, tenant.sid, profile_id))
    common = ("--sid", tenant.sid, "--id", profile_id, "--database-url", database_url, "--json")
    rotated = invoke("profiles", "secret", "--rotate", *common)
    assert rotated["profile_id"] == profile_id
    assert rotated["secret"].startswith(callback_render.SECRET_PREFIX) and rotated["secret"] != before
    assert invoke("profiles", "secret", *common) == rotated
    assert sync(callback_profiles.secret(runtime, tenant.sid, profile_id)) == rotated["secret"]


def test_another_accounts_profile_has_no_secret_to_show(
    database_url: str, runtime: Runtime, tenant: Tenant, other_tenant: Tenant
) -> None:
    profile_id = make(runtime, tenant)
    result = CliRunner().invoke(
        main,
        ["profiles", "secret", "--sid", other_tenant.sid, "--id", profile_id, "--database-url", database_url],
    )
    assert result.exit_code == 1
    assert result.output == f"error: No profile exists with id: {profile_id}\n"


def test_the_secret_is_stored_nowhere(
    database_url: str, runtime: Runtime, tenant: Tenant, engine: Any
) -> None:
    from sqlalchemy import text

    profile_id = make(runtime, tenant)
    secret = sync(callback_profiles.secret(runtime, tenant.sid, profile_id))
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM callback_profiles")).all()
        settings = connection.execute(text("SELECT value FROM sim_settings")).all()
    dumped = repr(rows) + repr(settings)
    assert secret not in dumped and secret.removeprefix("whsec_") not in dumped


def test_list_prints_the_accounts_profiles(
    database_url: str, runtime: Runtime, tenant: Tenant, other_tenant: Tenant
) -> None:
    first, second = make(runtime, tenant, "First"), make(runtime, tenant, "Second")
    make(runtime, other_tenant, "Theirs")
    listed = invoke("profiles", "list", "--sid", tenant.sid, "--database-url", database_url, "--json")
    assert listed == [
        {
            "profile_id": second,
            "title": "Second",
            "http_method": "POST",
            "url": "http://127.0.0.1:9/",
            "events": ["phone_number_quality_update"],
        },
        {
            "profile_id": first,
            "title": "First",
            "http_method": "POST",
            "url": "http://127.0.0.1:9/",
            "events": ["phone_number_quality_update"],
        },
    ]
