"""gankit.outputs: a path a command cannot write is refused before the work, in one line."""

from __future__ import annotations

import pytest

from gankit.errors import GankitError
from gankit.outputs import writable_file, writable_folder


def test_a_new_file_is_accepted_and_nothing_is_left_behind(tmp_path):
    path = tmp_path / "new" / "deeper" / "grid.PNG"
    assert writable_file(path) == path
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_keeps_its_bytes(tmp_path):
    path = tmp_path / "grid.png"
    path.write_bytes(b"old")
    writable_file(path)
    assert path.read_bytes() == b"old"


@pytest.mark.parametrize(
    ("name", "suffixes", "message"),
    [
        ("grid.jpg", (".png",), r"--out .*grid\.jpg: expected a \.png file"),
        ("faces", (".h5", ".hdf5"), r"expected a \.h5 or \.hdf5 file"),
    ],
)
def test_a_wrong_suffix_is_named(tmp_path, name, suffixes, message):
    with pytest.raises(GankitError, match=message):
        writable_file(tmp_path / name, suffixes=suffixes)


def test_any_suffix_when_none_are_asked_for(tmp_path):
    assert writable_file(tmp_path / "faces.anything", suffixes=()).name == "faces.anything"


def test_a_folder_where_the_file_should_go_is_refused(tmp_path):
    (tmp_path / "grid.png").mkdir()
    with pytest.raises(GankitError, match=r"grid\.png: is a folder; expected a file name"):
        writable_file(tmp_path / "grid.png")


def test_a_file_in_the_way_of_the_folder_is_named(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    with pytest.raises(GankitError, match=r"grid\.png: cannot write \(.*notes\.txt is a file, not"):
        writable_file(blocker / "grid.png")
    with pytest.raises(GankitError, match=r"notes\.txt: exists and is not a folder"):
        writable_folder(blocker)


def test_a_folder_is_checked_and_not_left_made(tmp_path):
    (tmp_path / "figures").mkdir()
    writable_folder(tmp_path / "figures" / "ideal-loss")
    assert [p.name for p in tmp_path.iterdir()] == ["figures"]
    assert list((tmp_path / "figures").iterdir()) == []
