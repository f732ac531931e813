"""Commands of the pictures part. register() stays cheap: heavy imports go inside handlers."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:  # argparse._SubParsersAction
    """Add this part's subcommands."""
    _ = argparse
