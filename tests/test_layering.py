"""The architecture, checked: each layer imports only what it may (what import-linter would enforce).

domain: pure rules (no HTTP, no SQL); storage: SQL, no HTTP; services: no HTTP surface; the SDK
(client) shares nothing with the service but the wire format.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "wanumbers"

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "server/domain": (
        "sqlalchemy",
        "starlette",
        "httpx",
        "uvicorn",
        "wanumbers.server.storage",
        "wanumbers.server.services",
        "wanumbers.server.surfaces",
        "wanumbers.server.upstream",
        "wanumbers.client",
    ),
    "server/storage": ("starlette", "httpx", "wanumbers.server.services", "wanumbers.server.surfaces"),
    "server/services": ("starlette", "wanumbers.server.surfaces", "wanumbers.client"),
    "client": ("wanumbers.server", "wanumbers.cli", "sqlalchemy", "starlette"),
}


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    offences = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in sorted(imports_of(path))
        if any(name == banned or name.startswith(banned + ".") for banned in FORBIDDEN[layer])
    ]
    assert offences == []
