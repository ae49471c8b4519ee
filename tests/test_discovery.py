"""Which files a load reads, in which order, and under which names.

The order is the one of the files' sorted paths (a seed found twice is
reported on the later one, so the order is part of what a load says); the
walk that finds them holds one folder's names at a time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eufunds.load import discovery
from eufunds.load.discovery import discover_seed_files


def sorted_paths_walk(folder: Path) -> list[tuple[str, str]]:
    """The order the archive has always used: every path under the folder,
    sorted, keeping *.yaml and *.yml files."""
    return [
        (str(found), found.relative_to(folder).as_posix())
        for found in sorted(folder.rglob("*"))
        if found.suffix in (".yaml", ".yml") and found.is_file()
    ]


# Names chosen to sort against each other in every way that matters: a
# folder's name as a prefix of a file's ("a" and "a.yaml", "a-b.yaml"), dots
# before and after the separator's place, hidden files, a bare ".yaml", a
# folder named like a seed.
STEM = st.sampled_from(["", "a", "a-b", "a.b", "b", "A", "ă", ".h", "x y", "a.", "_", "0"])
SUFFIX = st.sampled_from([".yaml", ".yml", ".txt", "", ".YAML", ".yaml.bak"])
NAME = st.tuples(STEM, SUFFIX).map("".join).filter(lambda name: name not in ("", ".", ".."))
TREE = st.recursive(
    st.just("file"), lambda children: st.dictionaries(NAME, children, max_size=5), max_leaves=30
).filter(lambda tree: isinstance(tree, dict))


def build(folder: Path, tree: dict) -> None:
    for name, content in tree.items():
        if content == "file":
            (folder / name).write_text("x", encoding="utf-8")
        else:
            (folder / name).mkdir()
            build(folder / name, content)


@settings(max_examples=150, deadline=None)
@given(TREE, st.sampled_from([discovery.SPILL_NAMES, 1, 2]))
def test_folder_seeds_come_in_the_order_of_their_sorted_paths(tree: dict, spill_names: int) -> None:
    # A small SPILL_NAMES sorts even these folders on disk, the way a folder of
    # a hundred thousand seeds is.
    with tempfile.TemporaryDirectory() as scratch, pytest.MonkeyPatch.context() as patch:
        patch.setattr(discovery, "SPILL_NAMES", spill_names)
        root = Path(scratch)
        build(root, tree)
        assert list(discover_seed_files([root])) == sorted_paths_walk(root)


def test_names_are_sorted_on_disk_as_python_sorts_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Code points outside the first plane and undecodable bytes sort as Python
    # sorts them, not as UTF-8 or UTF-16 would.
    names = ["z.yaml", "\U0001f600.yaml", "\uffff.yaml", "e.yaml", "é.yaml", os.fsdecode(b"\xff.yaml")]
    for name in names:
        (tmp_path / name).write_text("x", encoding="utf-8")
    monkeypatch.setattr(discovery, "SPILL_NAMES", 2)
    assert [name for _, name in discover_seed_files([tmp_path])] == sorted(names)


def test_a_folder_behind_a_symbolic_link_is_not_entered_but_a_linked_seed_is_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "far.yaml").write_text("x", encoding="utf-8")
    root = tmp_path / "seeds"
    root.mkdir()
    (root / "here.yaml").write_text("x", encoding="utf-8")
    os.symlink(outside, root / "linked")
    os.symlink(outside / "far.yaml", root / "near.yaml")
    found = [name for _, name in discover_seed_files([root])]
    assert found == ["here.yaml", "near.yaml"]
    assert found == [name for _, name in sorted_paths_walk(root)]


def test_a_file_named_on_the_command_line_is_named_by_its_file_name(tmp_path: Path) -> None:
    seed = tmp_path / "deep" / "one.yml"
    seed.parent.mkdir()
    seed.write_text("x", encoding="utf-8")
    assert list(discover_seed_files([seed])) == [(str(seed), "one.yml")]


def test_folders_and_files_given_together_keep_the_order_given(tmp_path: Path) -> None:
    first, second = tmp_path / "z", tmp_path / "a"
    for folder in (first, second):
        folder.mkdir()
        (folder / "s.yaml").write_text("x", encoding="utf-8")
    lone = tmp_path / "m.yaml"
    lone.write_text("x", encoding="utf-8")
    found = list(discover_seed_files([first, lone, second]))
    assert found == [
        (str(first / "s.yaml"), "s.yaml"),
        (str(lone), "m.yaml"),
        (str(second / "s.yaml"), "s.yaml"),
    ]
