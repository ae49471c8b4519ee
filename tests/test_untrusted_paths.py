"""Untrusted paths: a seed reads only regular files inside its own folder."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from eufunds.seed.format import SeedError, read_seed

CLUJ = "cj-cluj-calitate-competenta-performanta.yaml"
SOURCE = "001_f36f72105a710f57.txt"


def with_source(seeds_dir: Path, file: str) -> Path:
    """The Cluj seed with its one source renamed to ``file``."""
    path = seeds_dir / CLUJ
    text = path.read_text(encoding="utf-8")
    assert f"file: {SOURCE}" in text
    path.write_text(text.replace(f"file: {SOURCE}", f"file: '{file}'"), encoding="utf-8")
    return path


def source_problem(path: Path) -> str:
    with pytest.raises(SeedError) as caught:
        read_seed(path, label="seed.yaml")
    (problem,) = caught.value.problems
    assert problem.field == "sources[0].file"
    assert problem.line is not None
    return problem.message


@pytest.fixture
def outside(seeds_dir: Path) -> Path:
    """A copy of the real source text outside the seeds folder."""
    target = seeds_dir.parent / "outside" / SOURCE
    target.parent.mkdir()
    shutil.copy(seeds_dir / SOURCE, target)
    return target


def test_parent_relative_source_is_refused(seeds_dir: Path, outside: Path) -> None:
    message = source_problem(with_source(seeds_dir, f"../outside/{SOURCE}"))
    assert "must be a path inside the seed's folder" in message


def test_parent_step_hidden_in_the_middle_is_refused(seeds_dir: Path, outside: Path) -> None:
    (seeds_dir / "sub").mkdir()
    message = source_problem(with_source(seeds_dir, f"sub/../../outside/{SOURCE}"))
    assert "must be a path inside the seed's folder" in message


def test_absolute_source_outside_is_refused(seeds_dir: Path, outside: Path) -> None:
    assert "must be a path inside" in source_problem(with_source(seeds_dir, str(outside)))


def test_absolute_source_even_inside_the_folder_is_refused(seeds_dir: Path) -> None:
    assert "must be a path inside" in source_problem(with_source(seeds_dir, str(seeds_dir / SOURCE)))


def test_system_file_is_refused(seeds_dir: Path) -> None:
    assert "must be a path inside" in source_problem(with_source(seeds_dir, "/etc/passwd"))


def test_symlink_pointing_outside_is_refused(seeds_dir: Path, outside: Path) -> None:
    (seeds_dir / "link.txt").symlink_to(outside)
    assert "leads outside the seed's folder" in source_problem(with_source(seeds_dir, "link.txt"))


def test_symlinked_folder_pointing_outside_is_refused(seeds_dir: Path, outside: Path) -> None:
    (seeds_dir / "linked").symlink_to(outside.parent, target_is_directory=True)
    message = source_problem(with_source(seeds_dir, f"linked/{SOURCE}"))
    assert "leads outside the seed's folder" in message


def test_symlink_staying_inside_is_followed(seeds_dir: Path) -> None:
    (seeds_dir / "sub").mkdir()
    shutil.move(seeds_dir / SOURCE, seeds_dir / "sub" / SOURCE)
    (seeds_dir / SOURCE).symlink_to(Path("sub") / SOURCE)
    assert (
        read_seed(seeds_dir / CLUJ).sources[0].text.startswith((seeds_dir / "sub" / SOURCE).read_text()[:20])
    )


def test_source_that_is_a_folder_is_refused(seeds_dir: Path) -> None:
    (seeds_dir / "folder.txt").mkdir()
    assert "does not exist" in source_problem(with_source(seeds_dir, "folder.txt"))


def test_source_that_is_a_fifo_is_refused_without_blocking(seeds_dir: Path) -> None:
    os.mkfifo(seeds_dir / "pipe.txt")
    assert "does not exist" in source_problem(with_source(seeds_dir, "pipe.txt"))


def test_seed_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "seed.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []
    reader = threading.Thread(target=lambda: outcome.append(_refusal(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # unblock the reader so the test process can end
        with fifo.open("wb"):
            pass
        pytest.fail("reading a FIFO as a seed blocked")
    assert isinstance(outcome[0], SeedError)
    assert "not a regular file" in str(outcome[0])


def test_seed_that_is_a_device_is_refused() -> None:
    assert "not a regular file" in str(_refusal(Path("/dev/zero")))


def _refusal(path: Path) -> BaseException | None:
    try:
        read_seed(path)
    except BaseException as exc:
        return exc
    return None
