"""Malformed geography data gives one clear error naming the file, the row and the problem."""

import shutil

import pytest

from sim.cli import main
from sim.geography import DATA_DIR, GeographyDataError, load_geography


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def rewrite(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_shipped_data_loads(data_copy):
    data = load_geography(data_copy)
    assert len(data.places) == 39 and len(data.regions) >= 10


def test_a_missing_column_names_the_file_and_the_column(data_copy):
    rewrite(data_copy / "places.csv", "id,name,lat,lon,", "id,name,latitude,lon,")
    with pytest.raises(GeographyDataError, match=r"places\.csv: header: missing column\(s\) lat"):
        load_geography(data_copy)


def test_coordinates_outside_the_map_name_the_row(data_copy):
    rewrite(data_copy / "places.csv", "mayadin,al-Mayadin,35.02,40.45", "mayadin,al-Mayadin,38.02,40.45")
    with pytest.raises(GeographyDataError, match=r"places\.csv: row 7: coordinates \(38\.02, 40\.45\) are outside"):
        load_geography(data_copy)


def test_a_number_that_is_not_a_number_names_the_column(data_copy):
    rewrite(data_copy / "rivers.csv", "Khabur,5,36.3664,", "Khabur,5,north,")
    with pytest.raises(GeographyDataError, match=r"rivers\.csv: row \d+: column 'lat' is not a number"):
        load_geography(data_copy)


def test_an_unknown_place_in_the_day0_regions_names_the_region(data_copy):
    rewrite(data_copy / "day0.toml", 'place = "tanf"', 'place = "tanf_base"')
    with pytest.raises(GeographyDataError, match=r"day0\.toml: region 'opposition_tanf': unknown place id 'tanf_base'"):
        load_geography(data_copy)


def test_an_unknown_side_in_the_day0_regions_is_refused(data_copy):
    rewrite(data_copy / "day0.toml", 'side = "opposition"', 'side = "rebels"')
    with pytest.raises(GeographyDataError, match=r"region 'opposition_tanf': side 'rebels' is not one of regime"):
        load_geography(data_copy)


def test_a_polyline_with_one_point_is_refused(data_copy):
    path = data_copy / "rivers.csv"
    lines = path.read_text().splitlines()
    kept = [line for line in lines if not line.startswith("Khabur,") or line.startswith("Khabur,1,")]
    path.write_text("\n".join(kept) + "\n")
    expected = r"rivers\.csv: polyline 'Khabur': has 1 point; a line needs at least 2"
    with pytest.raises(GeographyDataError, match=expected):
        load_geography(data_copy)


def test_a_road_with_one_waypoint_is_refused(data_copy):
    path = data_copy / "roads.csv"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("desert_spur,2")]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(GeographyDataError, match=r"roads\.csv: road 'desert_spur': has one waypoint"):
        load_geography(data_copy)


def test_a_river_that_stops_short_of_the_map_edge_is_refused(data_copy):
    rewrite(data_copy / "rivers.csv", "Euphrates,1,36.04,38.0,", "Euphrates,1,36.04,38.3,")
    with pytest.raises(GeographyDataError, match="must run from the map's west edge to its east edge"):
        load_geography(data_copy)


def test_the_map_command_reports_bad_data_without_a_traceback(data_copy, tmp_path, capsys):
    rewrite(data_copy / "places.csv", "hajin,Hajin,34.70,40.83", "hajin,Hajin,34.70,45.83")
    code = main(["map", "--data", str(data_copy), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "places.csv: row 10: coordinates (34.7, 45.83) are outside the map" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_cell_size_outside_its_range_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["map", "--cell-km", "9"])
    assert exit_info.value.code == 2
    assert "cell_km = 9.0 is not allowed: expected a number from 1.0 to 5.0 km" in capsys.readouterr().err


def test_the_map_command_writes_the_figure_and_the_layers(tmp_path):
    import numpy as np

    assert main(["map", "--cell-km", "5", "--out", str(tmp_path)]) == 0
    png = (tmp_path / "map.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000
    with np.load(tmp_path / "layers.npz") as layers:
        assert {"terrain", "bank", "control", "population", "lat", "lon", "meta"} <= set(layers.files)
        assert layers["lat"].shape == layers["terrain"].shape
        assert 33.3 <= layers["lat"].min() < layers["lat"].max() <= 36.9
    assert not list(tmp_path.glob("*.partial"))
