"""The compiled catalogue: read back without validating when it was made from the same files,
made again (never an error) when a content file changed or the copy is damaged."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys

import pytest

from easeback.content.loader import (
    CONTENT_DIR,
    ContentError,
    compiled_catalogue,
    load_catalogue,
)


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    st = os.stat(path)  # a new modification time even on a coarse-clocked file system
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_the_compiled_catalogue_is_the_validated_one(content, tmp_path):
    cache = tmp_path / "cache"
    made = compiled_catalogue(content, cache)
    assert (cache / "catalogue.pickle").exists()
    assert compiled_catalogue(content, cache) == made == load_catalogue(content)


def test_an_edited_content_file_is_seen_by_the_next_load(content, tmp_path):
    cache = tmp_path / "cache"
    before = compiled_catalogue(content, cache).technique("cat-cow")
    _edit(content / "techniques" / "cat-cow.yaml", "name: Cat-cow", "name: Cat and cow")
    after = compiled_catalogue(content, cache).technique("cat-cow")
    assert (before.name, after.name) == ("Cat-cow", "Cat and cow")


def test_an_edit_that_breaks_content_is_refused_not_hidden_by_the_copy(content, tmp_path):
    cache = tmp_path / "cache"
    compiled_catalogue(content, cache)
    path = content / "techniques" / "cat-cow.yaml"
    _edit(path, "hip_flexion_deg: 90", "hip_flexion_deg: 400")
    with pytest.raises(ContentError) as err:
        compiled_catalogue(content, cache)
    where = (err.value.file, err.value.entry, err.value.field)
    assert where == (path, "cat-cow", "hip_flexion_deg")


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_a_damaged_copy_is_made_again(content, tmp_path, damage):
    cache = tmp_path / "cache"
    good = compiled_catalogue(content, cache)
    (cache / "catalogue.pickle").write_bytes(damage)
    assert compiled_catalogue(content, cache) == good
    with open(cache / "catalogue.pickle", "rb") as f:  # and the copy is whole again
        pickle.load(f)
        assert pickle.load(f) == good


def test_a_copy_from_another_version_is_not_trusted(content, tmp_path):
    cache = tmp_path / "cache"
    good = compiled_catalogue(content, cache)
    path = cache / "catalogue.pickle"
    with open(path, "rb") as f:
        key = pickle.load(f)
    forged = good.techniques[1:]  # what an older easeback might have left
    with open(path, "wb") as f:
        pickle.dump(("0.0.0", *key[1:]), f)
        pickle.dump(forged, f)
    assert compiled_catalogue(content, cache) == good


def test_an_unwritable_cache_folder_only_costs_time(content, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert compiled_catalogue(content, blocker / "cache") == load_catalogue(content)


def test_planning_from_the_compiled_catalogue_loads_neither_yaml_nor_pydantic(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    code = (
        "import sys; from easeback.content.loader import default_catalogue; "
        "from easeback.usecases import planning, screening; default_catalogue(); "
        "print(sorted(m for m in ('pydantic', 'yaml') if m in sys.modules))"
    )
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    again = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert first.stdout.strip() == "['pydantic', 'yaml']"  # validated, then compiled
    assert again.stdout.strip() == "[]", again.stderr
