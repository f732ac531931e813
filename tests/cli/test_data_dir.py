"""The journal's folder: the XDG rule read without platformdirs on Linux gives the very folder
platformdirs gives, so nobody's saved journal moves."""

from __future__ import annotations

import sys

import pytest

from easeback.settings import Settings


@pytest.mark.skipif(sys.platform != "linux", reason="the fast path is for Linux")
@pytest.mark.parametrize(
    ("xdg", "home"),
    [
        (None, "/home/ann"),
        ("", "/home/ann"),
        ("/data/ann", "/home/ann"),
        ("relative/dir", "/home/ann"),
        (None, "relative-home"),
    ],
)
def test_the_default_folder_is_platformdirs_own(monkeypatch, xdg, home) -> None:
    from platformdirs import user_data_dir

    monkeypatch.delenv("EASEBACK_DATA_DIR", raising=False)
    monkeypatch.delenv("ANDROID_DATA", raising=False)
    monkeypatch.setenv("HOME", home)
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    want = user_data_dir("easeback", appauthor=False)
    assert str(Settings(data_dir=None).resolved_data_dir()) == want


def test_a_folder_given_wins(tmp_path) -> None:
    assert Settings(data_dir=str(tmp_path)).resolved_data_dir() == tmp_path
