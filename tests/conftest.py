from __future__ import annotations

import pytest

from easeback.content.loader import Catalogue, default_catalogue

try:
    from playwright.sync_api import expect
except ImportError:  # without Playwright the browser tests skip
    pass
else:
    # Playwright's own default is 5 s per expectation; on two shared cores under load a page can
    # take longer than that to answer (a camera worker starting, pictures drawn on first view).
    # Expectations are waited on, so a generous bound costs nothing when they hold.
    expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return default_catalogue()
