"""The end-to-end suites run on both backends: a module marked ``pytest.mark.backends(...)`` (or,
unmarked, every module) gets its tests once per backend, the bot's config pointing at a SQLite
file or at a PostgreSQL database of the test's own (see ``harness.fresh_config``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e import harness
from tests.pg_databases import drop


@pytest.fixture(autouse=True)
async def e2e_backend(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    backend = str(getattr(request, "param", "sqlite"))
    server = request.getfixturevalue("postgres_server") if backend == "postgres" else None
    harness.POSTGRES["server"], harness.POSTGRES["made"] = server, []
    try:
        yield backend
    finally:
        made, harness.POSTGRES["server"], harness.POSTGRES["made"] = harness.POSTGRES["made"], None, []
        for url in made:
            await drop(url)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "e2e_backend" in metafunc.fixturenames and "backend" not in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("backends")
        metafunc.parametrize("e2e_backend", marker.args if marker else ("sqlite", "postgres"), indirect=True)
