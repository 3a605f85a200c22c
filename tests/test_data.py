"""Real data loads offline and matches the manifest and DATA.md."""

from pathlib import Path

import pytest

from causalcourse.data import MANIFEST, load, manifest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_shape_matches_manifest(name):
    info = MANIFEST[name]
    assert load(name).shape == (info.rows, info.columns)


def test_load_returns_a_copy():
    a = load("nsw_mixtape")
    a.loc[:, "re78"] = 0.0
    assert load("nsw_mixtape")["re78"].sum() > 0


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown data set 'nope'.*nhefs"):
        load("nope")


def test_data_md_lists_every_dataset_with_its_rows():
    text = (ROOT / "DATA.md").read_text()
    for name, info in MANIFEST.items():
        assert f"`{name}`" in text, f"DATA.md does not list {name}"
        assert f"{info.rows:,}" in text, f"DATA.md has a wrong row count for {name}"
    assert list(manifest().index) == list(MANIFEST)
