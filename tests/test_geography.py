"""The map: places on their banks, the river as a barrier, roads, populations, cell sizes."""

from itertools import pairwise

import numpy as np
import pytest
from scipy import ndimage

from sim.codes import BANK_BY_NAME, Bank, Crossing, Terrain
from sim.geography import load_map
from sim.geography.raster import trace_4_connected

CELL_SIZES = (1.0, 2.0, 5.0)
MOORE = np.ones((3, 3), dtype=bool)


@pytest.fixture(scope="module", params=CELL_SIZES, ids=lambda k: f"{k:g}km")
def any_map(request):
    return load_map(request.param)


def test_every_place_lands_on_its_documented_bank_and_terrain(any_map):
    frame = any_map.frame
    for place in any_map.places:
        cell = any_map.place_cells[place.id]
        bank = any_map["bank"][cell]
        terrain = any_map["terrain"][cell]
        expected_bank = Bank.NONE if place.bank == "desert" else BANK_BY_NAME[place.bank]
        assert bank == expected_bank, f"{place.id} is on bank {Bank(bank).name}, documented {place.bank}"
        allowed = {
            "urban": {Terrain.URBAN},
            "valley": {Terrain.VALLEY, Terrain.URBAN},
            "desert": {Terrain.DESERT},
            "land": {Terrain.VALLEY, Terrain.DESERT, Terrain.URBAN},
        }
        assert terrain in allowed[place.terrain], f"{place.id} is {Terrain(terrain).name}, documented {place.terrain}"
        moved = frame.km_between(frame.centre(cell), (place.lat, place.lon))
        assert moved <= frame.cell_km * 1.5, f"{place.id} snapped {moved:.1f} km from its coordinates"


def test_no_moore_path_over_land_joins_the_two_banks(any_map):
    """Label land with Moore (8-neighbour) connectivity: crossings are water cells, so a component
    holding places of both banks would mean the river leaks, diagonals included."""
    land = any_map["terrain"] != Terrain.WATER
    pieces, _ = ndimage.label(land, structure=MOORE)
    left = {pieces[any_map.place_cells[p.id]] for p in any_map.places if p.bank in ("left", "khabur")}
    right = {pieces[any_map.place_cells[p.id]] for p in any_map.places if p.bank == "right"}
    assert left and right
    assert not left & right, "a left-bank place and a right-bank place are joined over land"


def test_the_banks_agree_with_the_geometry_of_the_river(any_map):
    """Away from the river, every land cell is LEFT exactly when the river passes south of it
    (a ray cast due south from the cell crosses the Euphrates polyline an odd number of times)."""
    frame = any_map.frame
    line = np.array(any_map.river_lines["Euphrates"])
    lat, lon = frame.lat_grid, frame.lon_grid
    crossings = np.zeros(frame.shape, dtype=int)
    for (lat0, lon0), (lat1, lon1) in pairwise(line):
        spans = (np.minimum(lon0, lon1) <= lon) & (lon < np.maximum(lon0, lon1))
        t = (lon - lon0) / (lon1 - lon0) if lon1 != lon0 else np.zeros(frame.shape)
        crossings += spans & (lat0 + t * (lat1 - lat0) < lat)
    geometric = np.where(crossings % 2 == 1, Bank.LEFT, Bank.RIGHT)
    km_to_water = ndimage.distance_transform_edt(any_map["terrain"] != Terrain.WATER) * frame.cell_km
    clear = (km_to_water > 2 * frame.cell_km) & (any_map["terrain"] != Terrain.WATER)
    clear &= (lon > line[:, 1].min()) & (lon < line[:, 1].max())  # where a ray must meet the river
    assert clear.sum() > 1000
    assert (any_map["river_side"][clear] == Bank.LEFT).mean() > 0.2  # both sides are there
    assert np.array_equal(any_map["river_side"][clear], geometric[clear])


def test_a_traced_river_is_edge_connected_even_on_the_diagonal(valley_map):
    frame = valley_map.frame
    diagonal = [(34.0, 39.0), (34.5, 39.6), (34.2, 40.3)]
    cells = trace_4_connected(frame, diagonal)
    for (x0, y0), (x1, y1) in pairwise(cells):
        assert abs(x0 - x1) + abs(y0 - y1) == 1


def test_crossings_are_few_and_on_the_rivers(valley_map):
    crossing = valley_map["crossing"]
    on_river = crossing[(crossing == Crossing.BRIDGE) | (crossing == Crossing.FERRY)]
    assert 5 <= on_river.size <= 15
    for site, cell in valley_map.crossing_cells.items():
        assert valley_map["terrain"][cell] == Terrain.WATER, site
    border = np.argwhere(crossing == Crossing.BORDER)
    assert len(border) >= 1 and all(valley_map["iraq"][tuple(c)] for c in border)
    assert valley_map["iraq"][valley_map.place_cells["qaim"]]
    assert not valley_map["iraq"][valley_map.place_cells["bukamal"]]


def test_each_road_joins_its_waypoints_through_road_cells(any_map):
    road = any_map["road"]
    pieces, _ = ndimage.label(road, structure=MOORE)
    for road_id, cells in any_map.road_cells.items():
        ends = {pieces[cells[0]], pieces[cells[-1]]}
        assert len(ends) == 1 and 0 not in ends, f"road {road_id} is broken"
        for a, b in pairwise(cells):
            assert max(abs(a[0] - b[0]), abs(a[1] - b[1])) == 1, f"road {road_id} jumps at {a}->{b}"
        assert all(any_map["terrain"][c] != Terrain.WATER or any_map["crossing"][c] for c in cells)


def test_populations_add_up_to_the_documented_totals(any_map):
    population = any_map["population"]
    governorate = any_map["governorate"]
    in_governorate = population[governorate].sum()
    assert in_governorate == pytest.approx(1_600_000, rel=0.01)
    urban = any_map["terrain"] == Terrain.URBAN
    rural_share = population[governorate & ~urban].sum() / in_governorate
    assert rural_share == pytest.approx(0.73, abs=0.05)  # documented: 73% rural
    valley = np.isin(any_map["terrain"], (Terrain.VALLEY, Terrain.URBAN))
    assert population[governorate & valley].sum() / in_governorate > 0.9  # the valley holds most
    towns = [p for p in any_map.places if p.is_town and p.population and not any_map["iraq"][any_map.place_cells[p.id]]]
    assert population[urban].sum() == pytest.approx(sum(t.population for t in towns), rel=1e-9)
    assert population[any_map["iraq"]].sum() == 0


def test_the_map_keeps_its_meaning_at_1_2_and_5_km():
    maps = {k: load_map(k) for k in CELL_SIZES}
    for k, m in maps.items():
        assert m.frame.cell_km == k
        assert set(m.layers) >= {"terrain", "bank", "road", "crossing", "population", "oil", "place", "iraq", "control"}
        assert all(layer.shape == m.frame.shape for layer in m.layers.values())

    def km2(m, mask):
        return mask.sum() * m.frame.cell_area_km2

    for name, code in (("regime", 1), ("sdf", 2), ("isis", 3), ("opposition", 4)):
        areas = [km2(m, m["control"] == code) for m in maps.values()]
        assert max(areas) / min(areas) < 1.15, f"{name} day-0 area varies with cell size: {areas}"
    oil = [m["oil"].sum() for m in maps.values()]
    assert np.allclose(oil, 2.0)
    for m in maps.values():
        assert m["control"][m.place_cells["deir_ez_zor"]] == 3  # ISIS holds the centre
        assert m["control"][m.place_cells["dez_airport"]] == 1  # the regime holds the airport
        assert m["control"][m.place_cells["hasakah"]] == 2
        assert m["control"][m.place_cells["tanf"]] == 4


def test_layers_are_read_only_and_the_map_is_cached(valley_map):
    assert load_map(2.0) is valley_map
    with pytest.raises(ValueError):
        valley_map["control"][0, 0] = 1


@pytest.mark.parametrize("dimensions", [(5, 4), (1, 3), (6, 6)])
def test_valley_grid_cells_connect_as_mesa_connects_them(dimensions):
    """ValleyCell connects on first use; what it finds must be what Mesa's own grid builds."""
    import random

    from mesa.discrete_space import OrthogonalMooreGrid

    from sim.geography.grid import ValleyGrid

    ours = ValleyGrid(dimensions, random=random.Random(1))
    mesa = OrthogonalMooreGrid(dimensions, random=random.Random(1))
    for coordinate, theirs in mesa._cells.items():
        cell = ours._cells[coordinate]
        assert {k: v.coordinate for k, v in cell.connections.items()} == {
            k: v.coordinate for k, v in theirs.connections.items()}
        for radius in (1, 2):
            assert sorted(c.coordinate for c in cell.get_neighborhood(radius=radius)) == sorted(
                c.coordinate for c in theirs.get_neighborhood(radius=radius))


def test_a_valley_cell_starts_as_a_mesa_cell_does():
    """ValleyCell sets Mesa's slots itself (faster): each must hold what Mesa's own __init__ puts there."""
    import random

    from mesa.discrete_space import Cell

    from sim.geography.grid import ValleyCell

    rng = random.Random(1)
    ours, theirs = ValleyCell((2, 3), capacity=4, random=rng), Cell((2, 3), capacity=4, random=rng)
    for slot in Cell.__slots__:
        if slot == "connections":  # ours are made on first use, from the grid (the test above)
            continue
        assert hasattr(ours, slot) == hasattr(theirs, slot), slot
        if hasattr(theirs, slot):
            assert getattr(ours, slot) == getattr(theirs, slot), slot


def test_a_mesa_agent_moves_on_a_valley_grid():
    from mesa import Model
    from mesa.discrete_space import CellAgent

    from sim.geography.grid import ValleyGrid

    model = Model(rng=1)
    grid = ValleyGrid((4, 4), random=model.random)
    agent = CellAgent(model)
    agent.cell = grid._cells[(1, 1)]
    agent.move_relative((1, 1))
    assert agent.cell.coordinate == (2, 2)
    with pytest.raises(ValueError):
        ValleyGrid((4, 4), torus=True)


def test_neighbour_lists_are_the_neighbour_table_with_one_int_object_a_cell(valley_map):
    from sim.movement import network_for

    network = network_for(valley_map)
    assert [list(row) for row in network.neighbour_lists] == network.neighbours.tolist()
    ny = valley_map.frame.shape[1]
    cell = 5 * ny + 5  # past CPython's cached small ints: a shared object is the code's doing
    seen_from_east, seen_from_west = network.neighbour_lists[cell + 1][3], network.neighbour_lists[cell - 1][4]
    assert seen_from_east == seen_from_west == cell and seen_from_east is seen_from_west


def test_compiled_distance_fields_are_scipys_dijkstra_to_the_last_bit(valley_map):
    """The compiled search gives scipy's multi-source Dijkstra on the same graph, with the blocked cells'
    ways on made unaffordable and the search stopped at a limit."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    from sim.movement import UNREACHABLE, network_for

    network = network_for(valley_map)
    graph = csr_matrix((network.weights, network.indices, network.indptr), shape=(network.size, network.size))
    rng = np.random.default_rng(7)
    row_of_edge = np.repeat(np.arange(network.size), np.diff(network.indptr))
    passable = np.flatnonzero(network.passable)
    for share, limit in ((0.0, np.inf), (0.2, np.inf), (0.2, 150.0), (0.05, 60.0)):
        targets = np.unique(rng.choice(passable, 4))
        blocked = rng.random(network.size) < share
        forbid = blocked.copy()
        forbid[targets] = False
        data = graph.data.copy()
        data[forbid[row_of_edge]] = UNREACHABLE
        expected = dijkstra(csr_matrix((data, graph.indices, graph.indptr), shape=graph.shape), indices=targets,
                            min_only=True, limit=limit)
        expected[~np.isfinite(expected) | (expected >= UNREACHABLE)] = UNREACHABLE
        got = network.field(targets, blocked, limit)
        assert np.array_equal(got, expected)
        assert (got < UNREACHABLE).sum() > len(targets)



def test_a_field_extended_to_a_farther_limit_is_the_fresh_search_to_the_last_bit(valley_map):
    """Going on from a field searched to a nearer limit (same targets and blocked cells) gives what a
    fresh search to the farther limit gives, blocked cells and all; and it reaches more cells."""
    from sim.movement import UNREACHABLE, network_for

    network = network_for(valley_map)
    rng = np.random.default_rng(11)
    passable = np.flatnonzero(network.passable)
    for share, near, far in ((0.0, 20.0, 80.0), (0.2, 40.0, 150.0), (0.1, 30.0, np.inf)):
        targets = np.unique(rng.choice(passable, 3))
        blocked = rng.random(network.size) < share
        known = network.field(targets, blocked, near)
        extended = network.field(targets, blocked, far, known)
        assert np.array_equal(extended, network.field(targets, blocked, far))
        assert (extended < UNREACHABLE).sum() > (known < UNREACHABLE).sum()
