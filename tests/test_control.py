"""The control layer follows the units: held cells, zones of control, encircled pockets, swept and lapsed ground."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.control import (
    ENCIRCLED,
    close_pockets,
    presence_and_zones,
    side_bits,
    sweep_and_lapse,
    update_control,
    zone_footprint,
)
from sim.sides import Relations, relation_graph

REGIME, SDF, ISIS = 1, 2, 3
RELATIONS = Relations(relation_graph())  # baseline: regime-SDF at non-aggression, both hostile to ISIS


def world(nx=9, ny=9, river_y=None):
    land = np.ones((nx, ny), dtype=bool)
    side = np.full((nx, ny), 2, dtype=np.int8)
    if river_y is not None:
        land[:, river_y] = False
        side[:, river_y] = 0
        side[:, river_y + 1:] = 1
    return land, side


def step(control, units, land, side, radius=1, encircle=False):
    xs = np.array([u[0] for u in units], dtype=np.int64)
    ys = np.array([u[1] for u in units], dtype=np.int64)
    codes = np.array([u[2] for u in units], dtype=np.int64)
    presence, zones = presence_and_zones(control.shape, xs, ys, codes, side, land, radius)
    return update_control(control, presence, zones, land, RELATIONS.hostile, encircle)


def test_a_cell_held_by_one_side_alone_goes_to_it_and_its_zone_follows():
    land, side = world()
    control = np.full((9, 9), ISIS, dtype=np.int8)
    changed = step(control, [(4, 4, REGIME)], land, side)
    assert control[4, 4] == REGIME
    assert (control[3:6, 3:6] == REGIME).all() and changed == 9
    assert control[0, 0] == ISIS


def test_cells_never_pass_between_sides_at_non_aggression():
    land, side = world()
    control = np.full((9, 9), SDF, dtype=np.int8)
    step(control, [(4, 4, REGIME)], land, side)
    assert (control == SDF).all()  # R1: the regime's units and zone do not take SDF ground


def test_contested_zones_and_cells_stay_with_their_controller():
    land, side = world()
    control = np.zeros((9, 9), dtype=np.int8)
    step(control, [(3, 4, REGIME), (5, 4, ISIS)], land, side)
    assert control[4, 4] == 0  # in both zones
    assert control[3, 4] == REGIME and control[5, 4] == ISIS
    step(control, [(4, 4, REGIME), (4, 4, ISIS)], land, side)
    assert control[4, 4] == 0  # both present: contested


def test_zones_stop_at_the_river():
    land, side = world(river_y=4)
    control = np.full((9, 9), ISIS, dtype=np.int8)
    control[:, 4] = 0
    step(control, [(4, 3, REGIME)], land, side, radius=2)
    assert (control[2:7, 1:4] == REGIME).all()
    assert (control[:, 5:] == ISIS).all() and (control[:, 4] == 0).all()


def sweep(control, units, land, side, days, reach=3, clearing=6, lapse=20, lapsing=None):
    """Step 4 run every second day for ``days`` days with units standing still."""
    xs = np.array([u[0] for u in units], dtype=np.int64)
    ys = np.array([u[1] for u in units], dtype=np.int64)
    codes = np.array([u[2] for u in units], dtype=np.int64)
    unswept = np.zeros(control.size, dtype=np.int32)
    alone = np.zeros(control.size, dtype=np.int32)
    lapsing = np.ones_like(land) if lapsing is None else lapsing
    for _ in range(days // 2):
        _, reach_bits = presence_and_zones(control.shape, xs, ys, codes, side, land, reach)
        sweep_and_lapse(control, reach_bits, land, RELATIONS.hostile, unswept, alone, 2, clearing, lapse, lapsing)


def test_rear_ground_within_one_side_reach_is_swept_after_the_clearing_time():
    land, side = world(11, 11)
    control = np.full((11, 11), ISIS, dtype=np.int8)
    sweep(control, [(2, 2, REGIME)], land, side, days=4)
    assert control[4, 4] == ISIS  # not yet
    sweep(control, [(2, 2, REGIME)], land, side, days=6)
    assert control[4, 4] == REGIME and control[5, 5] == REGIME  # within reach (3 cells)
    assert control[9, 9] == ISIS


def test_ground_within_reach_of_two_hostile_sides_is_not_swept():
    land, side = world(11, 11)
    control = np.full((11, 11), ISIS, dtype=np.int8)
    sweep(control, [(2, 5, REGIME), (8, 5, ISIS)], land, side, days=10)
    assert control[5, 5] == ISIS and control[2, 5] == REGIME


def test_sweeping_never_takes_ground_from_a_side_at_non_aggression():
    land, side = world(11, 11)
    control = np.full((11, 11), SDF, dtype=np.int8)
    sweep(control, [(2, 2, REGIME)], land, side, days=10)
    assert (control == SDF).all()


def test_desert_beyond_its_holder_reach_lapses_but_towns_and_valley_do_not():
    land, side = world(11, 11)
    control = np.full((11, 11), ISIS, dtype=np.int8)
    lapsing = np.ones((11, 11), dtype=bool)
    lapsing[:, 8:] = False  # the valley
    sweep(control, [(1, 1, ISIS)], land, side, days=24, lapse=20, lapsing=lapsing)
    assert control[1, 1] == ISIS and control[3, 3] == ISIS  # within its reach
    assert control[8, 5] == 0  # desert out of reach
    assert (control[:, 8:] == ISIS).all()  # the valley stays with its holder


def test_an_encircled_pocket_closes_but_a_straight_front_holds():
    land, side = world(11, 11)
    control = np.full((11, 11), REGIME, dtype=np.int8)
    control[5, 5] = ISIS  # a one-cell pocket
    control[:, 9:] = ISIS  # a straight front line along y = 9
    step(control, [], land, side, encircle=True)
    assert control[5, 5] == REGIME
    assert (control[:, 9:] == ISIS).all()


def pockets_closed_side_by_side(control, free, hostile):
    """The encirclement step as specified (docs/ODD.md): over the whole map, free cells with
    ENCIRCLED or more neighbours held by one side (counted before any is taken) go to that side if
    it may take them."""
    before = control.copy()
    control = control.copy()
    for code in range(1, 5):
        mine = (before == code).astype(np.int64)
        padded = np.pad(mine, 1)
        counts = sum(np.roll(np.roll(padded, dx, 0), dy, 1) for dx in (-1, 0, 1) for dy in (-1, 0, 1)
                     if (dx, dy) != (0, 0))[1:-1, 1:-1]
        surrounded = free & (before != code) & (counts >= ENCIRCLED)
        taken = surrounded & ((before == 0) | (before == code) | hostile[code][before])
        control[taken] = code
    return control


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 9), st.integers(2, 9), st.floats(0.0, 0.9))
def test_closing_pockets_from_candidates_matches_the_side_by_side_specification(seed, nx, ny, mixing):
    rng = np.random.default_rng(seed)
    control = rng.integers(0, 5, size=(nx, ny)).astype(np.int8)
    control[rng.random((nx, ny)) > mixing] = rng.integers(0, 5)  # large blocks of one side, so pockets occur
    free = rng.random((nx, ny)) < 0.9
    before = control.copy()
    expected = pockets_closed_side_by_side(control, free, RELATIONS.hostile)
    changed = close_pockets(control, free, RELATIONS.hostile)
    assert np.array_equal(control, expected)
    assert changed == int(np.count_nonzero(expected != before))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(1, 4)), max_size=8), st.integers(1, 3))
def test_side_bits_mark_each_unit_cell_and_its_zone_footprint(units, radius):
    land, side = world(river_y=4)
    land[7, 1] = False  # a cell of water off the river
    cells_of: dict[int, set[int]] = {}
    for x, y, code in units:
        cells_of.setdefault(code, set()).add(x * 9 + y)
    presence, zones = side_bits((9, 9), cells_of, side, land, radius)
    expected_presence, expected_zones = np.zeros(81, np.uint8), np.zeros(81, np.uint8)
    for code, cells in cells_of.items():
        for cell in cells:
            expected_presence[cell] |= 1 << code
            expected_zones[zone_footprint(cell, (9, 9), side, land, radius)] |= 1 << code
    assert np.array_equal(presence, expected_presence) and np.array_equal(zones, expected_zones)
