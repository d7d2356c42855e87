"""Read and check the geography data files in ``sim/geography/data``.

Every problem in a file is reported as one :class:`GeographyDataError` naming the file, the row
(or region) and what is wrong, so a broken edit never surfaces as a traceback deep in the builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sim.codes import SIDES, Crossing
from sim.datafiles import DataFileError
from sim.input_files import read_csv_rows, read_toml

DATA_DIR = Path(__file__).parent / "data"

PLACE_BANKS = ("left", "right", "khabur", "desert")
PLACE_TERRAINS = ("urban", "valley", "desert", "land")
CROSSING_KINDS = {"bridge": Crossing.BRIDGE, "ferry": Crossing.FERRY}
REGION_SHAPES = ("polygon", "near_place", "near_point", "near_road", "everywhere")


class GeographyDataError(DataFileError):
    """A geography data file is malformed: the message names the file, the row and the problem."""


@dataclass(frozen=True)
class BBox:
    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat <= self.lat_max and self.lon_min <= lon <= self.lon_max


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    lat: float
    lon: float
    kind: str
    bank: str  # left, right, khabur or desert (as documented in places.csv)
    population: int | None
    terrain: str  # documented terrain of its cell: urban, valley, desert or land (any non-water)

    @property
    def is_town(self) -> bool:
        return self.kind in ("city", "town", "border_town")


@dataclass(frozen=True)
class Waypoint:
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Road:
    id: str
    waypoints: tuple[Waypoint, ...]


@dataclass(frozen=True)
class CrossingSite:
    id: str
    name: str
    river: str
    lat: float
    lon: float
    kind: Crossing
    source: str


@dataclass(frozen=True)
class Resource:
    place: str
    value: float
    radius_km: float


@dataclass(frozen=True)
class Region:
    """One region of the day-0 situation: a side, a shape and optional filters."""

    id: str
    side: str
    shape: str
    source: str
    spec: dict = field(hash=False, compare=False)


@dataclass(frozen=True)
class GeographyData:
    """Everything the map builder needs, checked."""

    bbox: BBox
    valley: dict
    population: dict
    places: tuple[Place, ...]
    rivers: dict[str, tuple[tuple[float, float], ...]]
    roads: tuple[Road, ...]
    crossings: tuple[CrossingSite, ...]
    border: tuple[tuple[float, float], ...]
    governorate: tuple[tuple[float, float], ...]
    resources: tuple[Resource, ...]
    regions: tuple[Region, ...]

    def place(self, place_id: str) -> Place:
        for place in self.places:
            if place.id == place_id:
                return place
        raise KeyError(place_id)


def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """Rows of a CSV file with their line numbers, after checking the header has every column."""
    if not path.exists():
        raise GeographyDataError(path, "file", "is missing")
    header, rows = read_csv_rows(path, GeographyDataError)
    missing = [c for c in required if c not in header]
    if missing:
        raise GeographyDataError(
            path, "header", f"missing column(s) {', '.join(missing)}; expected {', '.join(required)}"
        )
    return list(enumerate(rows, start=2))


def _number(path: Path, line: int, row: dict, column: str, *, optional: bool = False) -> float | None:
    text = (row.get(column) or "").strip()
    if not text:
        if optional:
            return None
        raise GeographyDataError(path, f"row {line}", f"column {column!r} is empty")
    try:
        return float(text)
    except ValueError:
        raise GeographyDataError(path, f"row {line}", f"column {column!r} is not a number: {text!r}") from None


def _coordinate(path: Path, line: int, row: dict, bbox: BBox) -> tuple[float, float]:
    lat = _number(path, line, row, "lat")
    lon = _number(path, line, row, "lon")
    _check_inside(path, f"row {line}", lat, lon, bbox)
    return lat, lon


def _check_inside(path: Path, where: str, lat: float, lon: float, bbox: BBox) -> None:
    if not bbox.contains(lat, lon):
        raise GeographyDataError(
            path,
            where,
            f"coordinates ({lat}, {lon}) are outside the map "
            f"(lat {bbox.lat_min} to {bbox.lat_max}, lon {bbox.lon_min} to {bbox.lon_max})",
        )


def _choice(path: Path, where: str, column: str, value: str, allowed) -> str:
    if value not in allowed:
        raise GeographyDataError(path, where, f"{column} {value!r} is not one of {', '.join(map(str, allowed))}")
    return value


def read_map_constants(path: Path) -> tuple[BBox, dict, dict]:
    if not path.exists():
        raise GeographyDataError(path, "file", "is missing")
    data = read_toml(path, GeographyDataError)
    for section, keys in {
        "bbox": ("lat_min", "lat_max", "lon_min", "lon_max"),
        "valley": ("euphrates_halfwidth_km", "khabur_halfwidth_km", "bank_reach_km"),
        "population": (
            "governorate_total",
            "governorate_rural_share",
            "urban_density_per_km2",
            "desert_density_per_km2",
        ),
    }.items():
        if section not in data:
            raise GeographyDataError(path, f"[{section}]", "section is missing")
        for key in keys:
            value = data[section].get(key)
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise GeographyDataError(path, f"[{section}] {key}", f"must be a non-negative number, got {value!r}")
    box = data["bbox"]
    bbox = BBox(box["lat_min"], box["lat_max"], box["lon_min"], box["lon_max"])
    if not (bbox.lat_min < bbox.lat_max and bbox.lon_min < bbox.lon_max):
        raise GeographyDataError(path, "[bbox]", "min must be below max")
    return bbox, data["valley"], data["population"]


def read_places(path: Path, bbox: BBox) -> tuple[Place, ...]:
    places, seen = [], set()
    columns = ("id", "name", "lat", "lon", "kind", "bank", "population", "terrain")
    for line, row in _read_csv(path, columns):
        where = f"row {line}"
        place_id = (row["id"] or "").strip()
        if not place_id:
            raise GeographyDataError(path, where, "id is empty")
        if place_id in seen:
            raise GeographyDataError(path, where, f"id {place_id!r} appears twice")
        seen.add(place_id)
        lat, lon = _coordinate(path, line, row, bbox)
        population = _number(path, line, row, "population", optional=True)
        places.append(
            Place(
                id=place_id,
                name=row["name"].strip(),
                lat=lat,
                lon=lon,
                kind=row["kind"].strip(),
                bank=_choice(path, where, "bank", row["bank"].strip(), PLACE_BANKS),
                population=None if population is None else int(population),
                terrain=_choice(path, where, "terrain", row["terrain"].strip(), PLACE_TERRAINS),
            )
        )
    if not places:
        raise GeographyDataError(path, "file", "has no places")
    return tuple(places)


def read_polylines(path: Path, bbox: BBox, key: str | None) -> dict[str, tuple[tuple[float, float], ...]]:
    """Polylines from rows ``[key,]seq,lat,lon``, in ``seq`` order, each with at least two points."""
    required = ((key,) if key else ()) + ("seq", "lat", "lon")
    lines: dict[str, list[tuple[float, float, float]]] = {}
    for line, row in _read_csv(path, required):
        name = (row[key] or "").strip() if key else "border"
        if not name:
            raise GeographyDataError(path, f"row {line}", f"column {key!r} is empty")
        seq = _number(path, line, row, "seq")
        lat, lon = _coordinate(path, line, row, bbox)
        lines.setdefault(name, []).append((seq, lat, lon))
    if not lines:
        raise GeographyDataError(path, "file", "has no points")
    result = {}
    for name, points in lines.items():
        if len(points) < 2:
            raise GeographyDataError(path, f"polyline {name!r}", f"has {len(points)} point; a line needs at least 2")
        seqs = [p[0] for p in points]
        if len(set(seqs)) != len(seqs):
            raise GeographyDataError(path, f"polyline {name!r}", "has a repeated seq number")
        result[name] = tuple((lat, lon) for _, lat, lon in sorted(points))
    return result


def read_crossings(path: Path, bbox: BBox, rivers) -> tuple[CrossingSite, ...]:
    sites = []
    for line, row in _read_csv(path, ("id", "name", "river", "lat", "lon", "kind", "source")):
        where = f"row {line}"
        lat, lon = _coordinate(path, line, row, bbox)
        river = _choice(path, where, "river", row["river"].strip(), tuple(rivers))
        kind = _choice(path, where, "kind", row["kind"].strip(), tuple(CROSSING_KINDS))
        sites.append(
            CrossingSite(row["id"].strip(), row["name"].strip(), river, lat, lon, CROSSING_KINDS[kind], row["source"])
        )
    return tuple(sites)


def read_roads(path: Path, bbox: BBox, places, crossings) -> tuple[Road, ...]:
    """Roads as waypoint chains; a waypoint names a place or crossing id, or gives its own lat/lon."""
    known = {p.id: (p.lat, p.lon) for p in places} | {c.id: (c.lat, c.lon) for c in crossings}
    chains: dict[str, list[tuple[float, Waypoint]]] = {}
    for line, row in _read_csv(path, ("road", "seq", "point", "lat", "lon")):
        where = f"row {line}"
        road = (row["road"] or "").strip()
        point = (row["point"] or "").strip()
        if not road or not point:
            raise GeographyDataError(path, where, "road and point must not be empty")
        seq = _number(path, line, row, "seq")
        lat = _number(path, line, row, "lat", optional=True)
        lon = _number(path, line, row, "lon", optional=True)
        if lat is None or lon is None:
            if point not in known:
                raise GeographyDataError(
                    path, where, f"point {point!r} is not a place or crossing id and has no lat/lon"
                )
            lat, lon = known[point]
        _check_inside(path, where, lat, lon, bbox)
        chains.setdefault(road, []).append((seq, Waypoint(point, lat, lon)))
    roads = []
    for road, points in chains.items():
        if len(points) < 2:
            raise GeographyDataError(path, f"road {road!r}", "has one waypoint; a road needs at least 2")
        roads.append(Road(road, tuple(w for _, w in sorted(points, key=lambda p: p[0]))))
    return tuple(roads)


def read_resources(path: Path, places) -> tuple[Resource, ...]:
    ids = {p.id for p in places}
    resources = []
    for line, row in _read_csv(path, ("place", "value", "radius_km")):
        place = row["place"].strip()
        if place not in ids:
            raise GeographyDataError(path, f"row {line}", f"unknown place id {place!r}")
        resources.append(Resource(place, _number(path, line, row, "value"), _number(path, line, row, "radius_km")))
    return tuple(resources)


def read_regions(path: Path, bbox: BBox, places, roads) -> tuple[Region, ...]:
    """The day-0 regions, each checked: side, shape, place and road ids, coordinates, filters."""
    if not path.exists():
        raise GeographyDataError(path, "file", "is missing")
    data = read_toml(path, GeographyDataError)
    place_ids = {p.id for p in places}
    road_points = {r.id: [w.name for w in r.waypoints] for r in roads}
    regions, seen = [], set()
    for index, spec in enumerate(data.get("region", []), start=1):
        region_id = spec.get("id") or f"#{index}"
        where = f"region {region_id!r}"
        if region_id in seen:
            raise GeographyDataError(path, where, "id appears twice")
        seen.add(region_id)
        side = spec.get("side")
        _choice(path, where, "side", side, SIDES)
        shape = spec.get("shape")
        _choice(path, where, "shape", shape, REGION_SHAPES)
        if not spec.get("source"):
            raise GeographyDataError(path, where, "has no source")
        if shape in ("near_place", "near_point", "near_road"):
            km = spec.get("km")
            if not isinstance(km, int | float) or km <= 0:
                raise GeographyDataError(path, where, f"km must be a positive number, got {km!r}")
        if shape == "near_place" and spec.get("place") not in place_ids:
            raise GeographyDataError(path, where, f"unknown place id {spec.get('place')!r}")
        if shape == "near_point":
            _check_inside(path, where, spec.get("lat", -999), spec.get("lon", -999), bbox)
        if shape == "near_road":
            road = spec.get("road")
            if road not in road_points:
                raise GeographyDataError(path, where, f"unknown road id {road!r}; roads: {', '.join(road_points)}")
            for end in ("from", "to"):
                if end in spec and spec[end] not in road_points[road]:
                    raise GeographyDataError(path, where, f"{end} {spec[end]!r} is not a waypoint of road {road!r}")
        if shape == "polygon":
            points = spec.get("points", [])
            if len(points) < 3:
                raise GeographyDataError(path, where, "a polygon needs at least 3 points")
            for lat, lon in points:
                _check_inside(path, where, lat, lon, bbox)
        if spec.get("river_side", "left") not in ("left", "right"):
            raise GeographyDataError(path, where, "river_side must be 'left' or 'right'")
        for bank in spec.get("banks", []):
            _choice(path, where, "bank", bank, ("left", "right", "khabur", "none"))
        for terrain in spec.get("terrain", []):
            _choice(path, where, "terrain", terrain, ("valley", "desert", "urban"))
        regions.append(Region(region_id, side, shape, spec["source"], dict(spec)))
    return tuple(regions)


def _check_spans(path: Path, name: str, line, bbox: BBox, start: str, end: str) -> None:
    """A dividing line (the Euphrates, the border) must run from one edge of the map to the other."""
    tolerance = 0.02  # degrees, about 2 km
    at_edge = {
        "west": lambda p: p[1] - bbox.lon_min <= tolerance,
        "east": lambda p: bbox.lon_max - p[1] <= tolerance,
        "south": lambda p: p[0] - bbox.lat_min <= tolerance,
        "north": lambda p: bbox.lat_max - p[0] <= tolerance,
    }
    if not (at_edge[start](line[0]) and at_edge[end](line[-1])):
        raise GeographyDataError(
            path, f"polyline {name!r}", f"must run from the map's {start} edge to its {end} edge to divide the map"
        )


def load_geography(data_dir: Path = DATA_DIR) -> GeographyData:
    """Read every geography file of ``data_dir`` and check it; raise GeographyDataError on a problem."""
    data_dir = Path(data_dir)
    bbox, valley, population = read_map_constants(data_dir / "map.toml")
    places = read_places(data_dir / "places.csv", bbox)
    rivers = read_polylines(data_dir / "rivers.csv", bbox, "river")
    for needed in ("Euphrates", "Khabur"):
        if needed not in rivers:
            raise GeographyDataError(data_dir / "rivers.csv", "file", f"has no {needed} polyline")
    _check_spans(data_dir / "rivers.csv", "Euphrates", rivers["Euphrates"], bbox, "west", "east")
    crossings = read_crossings(data_dir / "crossings.csv", bbox, rivers)
    roads = read_roads(data_dir / "roads.csv", bbox, places, crossings)
    border = read_polylines(data_dir / "border.csv", bbox, None)["border"]
    _check_spans(data_dir / "border.csv", "border", border, bbox, "south", "north")
    governorate = read_polylines(data_dir / "governorate.csv", bbox, None)["border"]
    resources = read_resources(data_dir / "resources.csv", places)
    regions = read_regions(data_dir / "day0.toml", bbox, places, roads)
    return GeographyData(
        bbox, valley, population, places, rivers, roads, crossings, border, governorate, resources, regions
    )
