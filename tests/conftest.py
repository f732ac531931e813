from __future__ import annotations

import pytest

from easeback.content.loader import Catalogue, default_catalogue


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return default_catalogue()
