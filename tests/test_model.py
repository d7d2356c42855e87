"""The campaign model as a whole: invariants over random seeds and parameters, determinism, events."""

import functools
import io

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.calendar import day_of
from sim.codes import SIDES, Crossing, Terrain, side_code
from sim.model import CampaignModel
from sim.scenario import baseline

LEDGER_IN = ("initial", "arrived", "recruited")
LEDGER_OUT = ("killed", "defected", "withdrawn")


def check_invariants(model: CampaignModel) -> None:
    layers = model.layers
    terrain = layers["terrain"].ravel()
    crossing = layers["crossing"].ravel()
    iraq = layers["iraq"].ravel()
    for unit in model.units:
        assert unit.strength >= 0, "negative strength"
        assert terrain[unit.flat] != Terrain.WATER or crossing[unit.flat] != Crossing.NONE, "a unit in the river"
        assert not iraq[unit.flat] or crossing[unit.flat] == Crossing.BORDER, "a unit in Iraq off the crossing"
        assert unit.cell.coordinate == divmod(unit.flat, model.ny), "Mesa cell and flat index disagree"
    for code in range(1, len(SIDES) + 1):
        ledger = model.ledger[code]
        alive = sum(u.strength for u in model.units if u.code == code) + int(model.pools[code])
        assert alive >= 0 and all(v >= 0 for k, v in ledger.items() if k != "arrived")
        assert sum(ledger[k] for k in LEDGER_IN) == alive + sum(ledger[k] for k in LEDGER_OUT), SIDES[code - 1]
    control = model.control
    assert control.min() >= 0 and control.max() <= len(SIDES)  # one controller (or none) per cell
    assert not control[layers["terrain"] == Terrain.WATER].any()
    occupancy = np.zeros_like(model.occupancy)
    stacked = np.zeros_like(model.stacked)
    for unit in model.units:
        occupancy[unit.code, unit.flat] += 1
        stacked[unit.code, unit.flat] += unit.strength
    assert np.array_equal(occupancy, model.occupancy)
    assert np.array_equal(stacked, model.stacked)
    assert stacked.max() <= model.stack_limit, "a cell holds more of a side's fighters than the stacking limit"
    for code in range(len(SIDES) + 1):  # the Python index of the same counts, and the cells cached from it
        cells = np.flatnonzero(occupancy[code])
        assert model.units_by_cell[code] == dict(zip(cells.tolist(), occupancy[code, cells].tolist(), strict=True))
        assert model.unit_cells(code) == set(cells.tolist())
        hostile = np.flatnonzero(occupancy[model.hostile_code_lists[code]].sum(axis=0)) if code else []
        assert model.hostile_unit_cells(code) == set(np.asarray(hostile).tolist())


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    lethality=st.floats(0.004, 0.04),
    defection=st.floats(0.0, 0.03),
    sdf=st.integers(2000, 10000),
    days=st.integers(30, 90),
)
def test_invariants_hold_every_day_for_random_seeds_and_parameters(seed, lethality, defection, sdf, days):
    scenario = baseline().with_params(lethality=lethality, isis_defection_rate=defection, sdf_fighters=sdf)
    model = CampaignModel(scenario, rng=seed, days=days)
    check_invariants(model)
    while model.running:
        model.step()
        check_invariants(model)
    assert model.day == days


def test_the_same_seed_gives_the_same_outputs_byte_for_byte():
    def outputs(seed):
        model = CampaignModel(rng=seed, days=90).run()
        tables = model.recorder.tables("baseline", 0, seed)
        blobs = {}
        for name, table in tables.items():
            buffer = io.BytesIO()
            table.to_parquet(buffer, index=False)
            blobs[name] = buffer.getvalue()
        return tables, blobs
    first, first_bytes = outputs(11)
    second, second_bytes = outputs(11)
    other, _ = outputs(12)
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])
    assert first_bytes == second_bytes
    assert not first["timeseries"].equals(other["timeseries"])


def test_dated_events_take_effect_on_their_day():
    params = baseline().params
    raqqa_day = day_of(params.raqqa_fall_date)
    model = CampaignModel(rng=4, days=raqqa_day + 1)
    raqqa = model.place_flat["raqqa"]
    sdf_before = model.ledger[side_code("sdf")]["arrived"]
    while model.day < raqqa_day - 1:
        model.step()
    assert model.control_flat[raqqa] == side_code("isis")
    assert model.ledger[side_code("sdf")]["arrived"] == sdf_before
    model.step()  # the event runs at the start of Raqqa's day
    assert model.control_flat[raqqa] == side_code("sdf")
    assert model.ledger[side_code("sdf")]["arrived"] == sdf_before + params.sdf_raqqa_release
    assert (raqqa_day, "Raqqa falls to the SDF") in model.recorder.log


def test_a_pause_holds_the_sdf_and_its_fighters_come_back():
    scenario = baseline().with_params(sdf_pause_days=20, sdf_pause_start=day_of_date("2017-09-20"))
    model = CampaignModel(scenario, rng=5, days=45)
    code = side_code("sdf")
    while model.day < 10:
        model.step()
    assert model.sdf_paused and model.ledger[code]["withdrawn"] > 0
    assert all(u.posture == "defend" for u in model.units if u.code == code)
    withdrawn = model.ledger[code]["withdrawn"]
    while model.day < 31:
        model.step()
    assert not model.sdf_paused
    assert model.ledger[code]["arrived"] >= params_release(model) + withdrawn


def day_of_date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


def params_release(model) -> int:
    return model.params.sdf_raqqa_release if model.day >= day_of(model.params.raqqa_fall_date) else 0


def test_the_baseline_never_has_regime_sdf_engagements():
    model = CampaignModel(rng=6, days=200).run()
    pairs = {(e[4], e[5]) for e in model.recorder.engagements}
    assert (1, 2) not in pairs and (2, 1) not in pairs
    assert len(model.recorder.engagements) > 50


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 31_039), min_size=1, max_size=60), st.lists(st.integers(0, 31_039), min_size=1,
                                                                         max_size=120))
def test_cells_apart_is_the_chebyshev_distance_to_the_nearest_target(cells, targets):
    model = one_model()
    targets = np.unique(np.array(targets) % (model.nx * model.ny))
    cells = [c % (model.nx * model.ny) for c in cells]
    x, y = np.divmod(np.array(cells), model.ny)
    tx, ty = np.divmod(targets, model.ny)
    expected = np.maximum(abs(x[:, None] - tx[None, :]), abs(y[:, None] - ty[None, :])).min(axis=1)
    assert model.cells_apart(cells, targets) == expected.tolist()


@functools.cache
def one_model() -> CampaignModel:
    """One baseline model for every example of a property test (building one takes a moment)."""
    return CampaignModel(rng=1, days=1)
