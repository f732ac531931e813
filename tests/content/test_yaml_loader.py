"""The fast YAML loader reads every content file into exactly the data the safe loader does."""

from __future__ import annotations

from pathlib import Path

import yaml

from easeback.content import loader

CONTENT = Path(loader.__file__).parent


def test_fast_loader_gives_identical_data_for_every_content_file():
    files = sorted(CONTENT.rglob("*.yaml"))
    assert len(files) > 30
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=loader.safe_loader()) == yaml.safe_load(text), path


def test_fast_loader_is_safe():
    assert issubclass(loader.safe_loader(), (yaml.SafeLoader, getattr(yaml, "CSafeLoader", ())))
    try:
        yaml.load("!!python/object/apply:os.system ['true']", Loader=loader.safe_loader())
    except yaml.YAMLError:
        pass
    else:
        raise AssertionError("the loader built a Python object from YAML")
