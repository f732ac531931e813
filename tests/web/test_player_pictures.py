"""The player's picture timing: where the loop moves in and comes back, worked out once."""

from __future__ import annotations

import pytest

from easeback.content.loader import default_catalogue
from easeback.web import player_pictures

pytest.importorskip("easeback.pictures.svg")


def test_phases_are_ordered_and_worked_out_once_per_technique(monkeypatch):
    cat = default_catalogue()
    t = cat.technique("bridge")
    calls: list[str] = []
    real = player_pictures._phases

    def counting(tech):  # the real sampling, counted
        calls.append(tech.id)
        return real(tech)

    monkeypatch.setattr(player_pictures, "_phases", counting)
    monkeypatch.setattr(player_pictures, "_DONE", {})
    first = player_pictures.picture_phases(t)
    assert first is not None and first["svg"] == "/pictures/bridge.svg?pose=setup"
    setup_from, setup_to = first["setup"]
    assert setup_from == 0 < setup_to  # getting into position comes first, then the loop
    for spans in first["sides"].values():
        (a, b), (c, d) = spans["in"], spans["out"]
        assert setup_to < a < b <= c < d <= first["duration"]
    assert player_pictures.picture_phases(t) == first
    assert calls == ["bridge"]
