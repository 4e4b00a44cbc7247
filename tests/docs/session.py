"""One reader working through one document: a real ``wanumbers serve --demo`` on a free loopback port
with a fresh store, a working directory, and a shell environment that carries from block to block
(``$SID``, ``$KEY``, ``$WABA``, ``$TOKEN`` from the demo's ``export`` line, then whatever the blocks
set). Python script blocks see the same environment; python test blocks run under pytest."""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from tests._processes import Server, clean_env, start
from tests.docs.markdown import Block, DocsError
from tests.docs.policy import (
    DOCUMENTED_HOSTS,
    NOT_CODE,
    REQUIRED_TOOLS,
    RUN_CONSOLE,
    RUN_PYTHON,
    RUN_SHELL,
    SHELL_PROLOGUE,
)
from tests.docs.shell import console_steps, output_matches, script

BLOCK_TIMEOUT = 120.0  # seconds: the slowest block (a CSV import) takes about two
VENV_BIN = Path(sys.executable).parent
IGNORED_VARIABLES = {"_", "SHLVL", "PWD", "OLDPWD", "__DOCS_ENV_OUT"}


class DocSession:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.server: Server | None = None
        self.env: dict[str, str] = {}

    def __enter__(self) -> DocSession:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self.server is not None:
            self.server.stop()

    # --- the reader's setup --------------------------------------------------------------------------

    def _ensure_server(self) -> None:
        if self.server is not None:
            return
        missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
        if missing:
            raise DocsError(
                f"the docs' shell examples need {', '.join(missing)} (apt-get install {' '.join(missing)})"
            )
        store = f"sqlite:///{self.workdir / 'wanumbers.db'}"  # the reader's ./wanumbers.db
        self.server = start(store, self.workdir / "server.log", ["--demo"])
        self.env = {
            **clean_env(),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            **self._demo_exports(),
        }

    def _demo_exports(self) -> dict[str, str]:
        assert self.server is not None
        log = self.server.log.read_text()
        lines = [line.strip() for line in log.splitlines() if line.strip().startswith("export ")]
        if not lines:
            raise DocsError(f"`wanumbers serve --demo` printed no export line:\n{log}")
        return dict(word.split("=", 1) for word in shlex.split(lines[0])[1:])

    def _localised(self, source: str) -> str:
        assert self.server is not None
        here = self.server.url.removeprefix("http://")
        for documented in DOCUMENTED_HOSTS:
            source = source.replace(documented, here)
        return source

    # --- running blocks ------------------------------------------------------------------------------

    def run(self, block: Block) -> None:
        if block.skip_reason is not None or block.language in NOT_CODE:
            return
        if block.language in RUN_SHELL:
            self._shell(block, block.source)
        elif block.language in RUN_CONSOLE:
            self._console(block)
        elif block.language in RUN_PYTHON:
            self._python(block)
        else:
            raise DocsError(
                f"{block.where}: a ```{block.language or '(no language)'} block; the collector runs python, "
                f"bash, sh and console blocks and shows {', '.join(sorted(NOT_CODE))} ones "
                "(or annotate it: <!-- docs-test: skip REASON -->)"
            )

    def _shell(self, block: Block, source: str) -> subprocess.CompletedProcess[str] | None:
        made = script(source)
        if all(not line.strip() or line.lstrip().startswith(("#", ": not run:")) for line in made.lines):
            return None  # nothing in it runs (docs/benchmarks.md): no server needed
        self._ensure_server()
        env_out = self.workdir / "env.out"
        body = SHELL_PROLOGUE + script(self._localised(source)).body + 'command env -0 > "$__DOCS_ENV_OUT"\n'
        result = self._execute(["bash", "-c", body], {**self.env, "__DOCS_ENV_OUT": str(env_out)})
        if result.returncode != 0:
            raise AssertionError(_report(block, source, result))
        self.env = _read_env(env_out)
        return result

    def _console(self, block: Block) -> None:
        for step in console_steps(block.source):
            result = self._shell(block, step.command.text)
            printed = "" if result is None else result.stdout
            if step.expected and not output_matches(step.expected, printed):
                shown = "\n".join(step.expected)
                raise AssertionError(
                    f"{block.where} (+{step.command.line}): `$ {step.command.text}` printed\n"
                    f"{printed}\nbut the docs show (… = anything)\n{shown}"
                )

    def _python(self, block: Block) -> None:
        lint(block)
        name = re.sub(r"\W", "_", block.where)
        if defines_tests(block.source):
            folder = self.workdir / f"pytest_{name}"
            folder.mkdir(parents=True)
            test_file = folder / f"test_{name}.py"
            test_file.write_text(block.source)
            command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)]
            result = self._execute(command, clean_env(), cwd=folder)
            expected = len(defines_tests(block.source))
            if result.returncode != 0 or f"{expected} passed" not in result.stdout:
                raise AssertionError(_report(block, block.source, result))
            return
        self._ensure_server()
        program = self.workdir / f"{name}.py"
        program.write_text(self._localised(block.source))
        result = self._execute([sys.executable, str(program)], self.env)
        if result.returncode != 0:
            raise AssertionError(_report(block, block.source, result))

    def _execute(
        self, command: list[str], env: dict[str, str], cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=cwd or self.workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=BLOCK_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )


def defines_tests(source: str) -> list[str]:
    """Names of the top-level ``test_…`` functions of a python block."""
    tree = ast.parse(source)
    return [
        node.name for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    ]


def lint(block: Block) -> None:
    """Pyflakes' checks (ruff's F rules): an undefined name, such as a ``my_app`` the example never
    made, fails here even if the code that uses it would never run."""
    ruff = VENV_BIN / "ruff"
    result = subprocess.run(
        [
            str(ruff),
            "check",
            "--isolated",
            "--select",
            "F",
            "--no-cache",
            "--output-format",
            "concise",
            "--stdin-filename",
            "example.py",
            "-",
        ],
        input=block.source,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"{block.where}: the python example does not pass pyflakes:\n{result.stdout}")


def _read_env(path: Path) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in path.read_text().split("\0") if "=" in item)
    return {name: value for name, value in pairs if name not in IGNORED_VARIABLES}


def _report(block: Block, source: str, result: subprocess.CompletedProcess[str]) -> str:
    numbered = "\n".join(f"{block.line + n:>5}  {line}" for n, line in enumerate(source.splitlines(), 1))
    return (
        f"{block.where}: the ```{block.language} example failed (exit {result.returncode})\n{numbered}\n"
        f"--- stdout ---\n{result.stdout}--- stderr ---\n{result.stderr}"
    )
