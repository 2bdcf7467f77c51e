"""Running Schemathesis against a running service, as every fuzz test of this tier does."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


async def assert_no_server_error(
    base: str, token: str, workdir: Path, log: Path, *, exclude: tuple[str, ...] = (), least: int = 10
) -> None:
    """Every operation of `base`'s OpenAPI document (but `exclude`), fed generated valid and invalid input
    with `token`, answers without a server error; and every one selected was really exercised."""
    excluded = [arg for operation in exclude for arg in ("--exclude-operation-id", operation)]
    run = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS),
        "run",
        f"{base}/schema/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        os.environ.get("FUZZ_MAX_EXAMPLES", "25"),
        "--header",
        f"Authorization: Bearer {token}",
        *excluded,
        "--seed",
        "20261201",
        "--no-color",
        cwd=workdir,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(run.communicate(), timeout=600)
    report = output.decode()
    assert run.returncode == 0, report[-8000:] + "\n--- service log ---\n" + log.read_text()[-4000:]
    selected = re.search(r"Selected: (\d+)/(\d+)", report)
    tested = re.search(r"Tested: (\d+)", report)
    assert selected and tested, report
    assert int(tested.group(1)) == int(selected.group(1)) == int(selected.group(2)) - len(exclude) >= least, report
