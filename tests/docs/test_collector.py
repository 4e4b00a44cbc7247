"""The docs collector itself: it fails on what would let a doc rot (an unknown block, an undefined name,
an HTTP error, keys or output that differ from what the doc shows), and never skips silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs import cli_refs
from tests.docs.markdown import ROOT, Block, DocsError, blocks
from tests.docs.session import DocSession
from tests.docs.shell import console_steps, documented_keys, output_matches, script

EXAMPLE = ROOT / "docs" / "example.md"  # never written: the text is given


def parse(text: str) -> list[Block]:
    return blocks(EXAMPLE, text)


def run_all(text: str, workdir: Path) -> None:
    with DocSession(workdir) as session:
        for block in parse(text):
            session.run(block)


def test_a_block_without_a_language_is_refused_with_its_place() -> None:
    with DocSession(Path("/nonexistent")) as session, pytest.raises(DocsError, match=r"example.md:3"):
        session.run(parse("Some text.\n\n```\nwanumbers sim outbox\n```\n")[0])


def test_an_annotation_needs_a_known_directive_a_reason_and_a_fence_below() -> None:
    with pytest.raises(DocsError, match="unknown docs-test directive 'ignore'"):
        parse("<!-- docs-test: ignore -->\n```bash\nls\n```\n")
    with pytest.raises(DocsError, match="needs a reason"):
        parse("<!-- docs-test: skip -->\n```bash\nls\n```\n")
    with pytest.raises(DocsError, match="right above a fence"):
        parse("<!-- docs-test: skip why -->\n\nA paragraph.\n\n```bash\nls\n```\n")


def test_a_skipped_block_carries_its_reason() -> None:
    (block,) = parse("<!-- docs-test: skip needs Meta's real API -->\n```bash\nexit 1\n```\n")
    assert block.skip_reason == "needs Meta's real API"


def test_commands_that_cannot_run_are_replaced_and_reported_with_a_reason() -> None:
    made = script("pip install wanumbers\necho kept\npython -m bench --quick\n")
    assert [command.text for command, _ in made.not_run] == [
        "pip install wanumbers",
        "python -m bench --quick",
    ]
    assert all(reason for _, reason in made.not_run)
    assert "echo kept" in made.body and "pip install" not in made.body


def test_the_keys_a_comment_shows_are_read_at_the_top_level_only() -> None:
    assert documented_keys('# {"sid": …, "api_key": …} (key shown once)') == ["sid", "api_key"]
    assert documented_keys('# {"faults": [{"id": 1, "route": …}]}') == ["faults"]
    assert documented_keys('# [{"to": …, "code": …}]') == ["to", "code"]
    assert documented_keys("# OTPs the emulator delivered") is None


def test_console_blocks_split_into_commands_outputs_and_remarks() -> None:
    steps = console_steps("$ echo a \\\n    b\na b\n# a remark, not output\n$ true\n")
    assert [step.command.text for step in steps] == ["echo a \\\n    b", "true"]
    assert [step.expected for step in steps] == [["a b"], []]


def test_shown_output_matches_with_ellipses_and_any_whitespace() -> None:
    assert output_matches(['{"admin_token": "wna_…"}'], '{"admin_token": "wna_abc"}\n')
    assert output_matches(["… state   CONNECTED …"], "123 +91\n  state CONNECTED\n  health AVAILABLE")
    assert not output_matches(['{"admin_token": "wna_…"}'], '{"token": "wna_abc"}')


def test_an_undefined_name_fails_even_where_pytest_raises_would_swallow_it(tmp_path: Path) -> None:
    """The bug of docs/sdk.md's second sandbox example: ``my_app`` was never defined."""
    text = (
        "```python\nimport pytest\n\n\ndef test_outage(wanumbers_sandbox):\n"
        "    with pytest.raises(Exception):\n        my_app.refresh(wanumbers_sandbox.kaleyra)\n```\n"
    )
    with pytest.raises(AssertionError, match=r"(?s)example.md:1.*F821 Undefined name `my_app`"):
        run_all(text, tmp_path)


def test_a_sandbox_example_runs_under_pytest_and_its_failures_fail(tmp_path: Path) -> None:
    """(The README's and docs/sdk.md's own sandbox examples show the passing side.)"""
    text = (
        "```python\ndef test_sandbox(wanumbers_sandbox):\n"
        "    assert wanumbers_sandbox.sid.startswith('HX')\n\n\n"
        "def test_wrong(wanumbers_sandbox):\n    assert wanumbers_sandbox.sid == 'nope'\n```\n"
    )
    with pytest.raises(AssertionError, match="1 failed, 1 passed"):
        run_all(text, tmp_path)


@pytest.mark.slow
def test_examples_share_a_reader_s_shell_and_an_http_error_fails_the_block(tmp_path: Path) -> None:
    """Against a real server: variables carry from block to block (shell and python), the demo's
    credentials are there, and a request answered 4xx (README's request_code on a verified number)
    fails instead of printing an error body nobody reads."""
    good = (
        '```bash\nNUMBERS=$(curl "http://127.0.0.1:8080/v23.0/$WABA/phone_numbers" '
        '-H "Authorization: Bearer $TOKEN" | jq -r ".data | length")\n```\n\n'
        "```python\nimport os\n\nassert os.environ['NUMBERS'] == '0'\n```\n\n"
        '```console\n$ echo "$NUMBERS numbers in $SID"\n0 numbers in HX…IN\n```\n'
    )
    bad = (
        '```bash\ncurl -X POST "http://127.0.0.1:8080/v23.0/1/request_code" '
        '-H "Authorization: Bearer $TOKEN" -d code_method=SMS\n```\n'
    )
    on_purpose = (
        "```console\n"
        '$ curl -X POST "http://127.0.0.1:8080/v23.0/1/request_code" '
        '-H "Authorization: Bearer $TOKEN" || true\n'
        '{"error":{"message":"Unsupported post request. Object with ID \'1\' does not exist,…}}\n```\n'
    )
    with DocSession(tmp_path) as session:
        for block in parse(good):
            session.run(block)
        with pytest.raises(AssertionError, match=r"(?s)exit 22.*returned error: 400"):
            session.run(parse(bad)[0])
        session.run(parse(on_purpose)[0])  # an error shown deliberately: its body is what is checked


@pytest.mark.slow
def test_json_keys_other_than_the_comment_shows_fail(tmp_path: Path) -> None:
    right = '```bash\nwanumbers sim token --json   # {"admin_token": …}\n```\n'
    wrong = '```bash\nwanumbers sim token --json   # {"token": …}\n```\n'
    with DocSession(tmp_path) as session:
        session.run(parse(right)[0])
        with pytest.raises(AssertionError, match=r"the docs show the keys \['token'\]"):
            session.run(parse(wrong)[0])


@pytest.mark.slow
def test_output_other_than_the_console_block_shows_fails(tmp_path: Path) -> None:
    text = "```console\n$ wanumbers sim clock\nnow … (offset 60 s)\n```\n"
    with DocSession(tmp_path) as session, pytest.raises(AssertionError, match=r"offset 0 s"):
        session.run(parse(text)[0])


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("wanumbers sim outbox [--phone E164] [--limit N]", None),
        ("sim sip NUMBER [--enabled\\|--disabled] [--server\\|--no-server]", None),
        ("wanumbers sim … --json", None),
        ("wanumbers serve --upstream graph --graph-base-url URL --graph-token TOKEN", None),
        ("a plain `code` span", None),
        ("wanumbers sim outbox --phones E164", "has no option --phones"),
        ("wanumbers sim approve NUMBER", "has no command 'approve'"),
        ("numbers lists", "has no command 'lists'"),
    ],
)
def test_commands_named_in_prose_must_exist(reference: str, problem: str | None) -> None:
    found = cli_refs.problems(reference)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0]
