from __future__ import annotations

import re

from wanumbers.server.domain.identifiers import IdGenerator, digest_secret, looks_like_secret, new_secret


def test_secrets_carry_a_prefix_and_a_checksum_that_catches_typos() -> None:
    key = new_secret("api_key")
    assert key.startswith("wnk_") and looks_like_secret(key, "api_key")
    typo = key[:10] + ("A" if key[10] != "A" else "B") + key[11:]
    assert not looks_like_secret(typo, "api_key")
    assert not looks_like_secret(key, "access_token")


def test_secrets_are_unique_and_digests_do_not_contain_them() -> None:
    keys = {new_secret("access_token") for _ in range(100)}
    assert len(keys) == 100
    key = keys.pop()
    assert key not in digest_secret(key) and len(digest_secret(key)) == 64


def test_sid_is_shaped_like_the_seeds_and_ends_with_the_pod() -> None:
    sid = IdGenerator(seed=1).sid("SG")
    assert re.fullmatch(r"HX[0-9A-Z]{12}SG", sid)


def test_seeded_id_generator_replays() -> None:
    assert IdGenerator(seed=7).numeric() == IdGenerator(seed=7).numeric()
    assert len(str(IdGenerator().numeric(15))) == 15
