"""Scenario files: every shipped one loads and runs; every kind of mistake is one clear error."""

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.scenarios import SCENARIO_DIR, ScenarioError, list_scenarios, load_scenario, resolve_scenario, scenario_names

SHIPPED = ("baseline", "deconfliction_breaks", "historical_incidents", "no_russian_air", "no_iranian_militias",
           "opposition_consensus", "sdf_full_offensive_now", "afrin_pause", "isis_cohesion", "isis_collapse",
           "historical")


def test_the_promised_scenarios_are_shipped_each_with_a_question_and_its_source():
    assert set(SHIPPED) <= set(scenario_names())
    for scenario in list_scenarios():
        assert len(scenario.description) > 80
        if scenario.name != "baseline":
            assert any(source in scenario.description for source in ("¶", "campaign.md", "events.csv")), \
                scenario.name


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_runs_a_short_horizon(name):
    from sim.experiments.runner import run_one

    result = run_one(resolve_scenario(name), 0, 5, days=12)
    assert result.ok, result.error
    assert result.tables["timeseries"]["day"].max() == 12


def test_scenarios_change_what_they_say():
    by_name = {s.name: s for s in list_scenarios()}
    assert "R1" in by_name["deconfliction_breaks"].rules_off
    assert "R7" in by_name["sdf_full_offensive_now"].rules_off
    assert by_name["no_russian_air"].params.russian_sorties_per_day == 0
    assert by_name["opposition_consensus"].relations[("sdf", "opposition")] == "allied"
    assert by_name["afrin_pause"].events[0].kind == "pause"
    low, high = by_name["isis_cohesion"].params, by_name["isis_collapse"].params
    from sim.params import DECLARATION

    assert low.isis_defection_rate == DECLARATION["isis_defection_rate"].low
    assert high.isis_defection_rate == DECLARATION["isis_defection_rate"].high


def write(tmp_path: Path, body: str, name: str = "case") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\ndescription = "A test scenario that asks a question."\n' + body)
    return path


BAD = {
    "misspelt key": ("[params]\nlethalty = 0.02\n", "params.lethalty", "did you mean lethality"),
    "wrong type": ("[params]\nsdf_fighters = \"many\"\n", "params.sdf_fighters", "expected an integer from 2000"),
    "outside its range": ("[params]\nrussian_sorties_per_day = 500\n", "params.russian_sorties_per_day",
                          "expected a number from 0.0 to 120.0"),
    "unknown rule": ("[rules]\nR16 = false\n", "rules.R16", "rules are R1 to R15"),
    "rule not a switch": ("[rules]\nR1 = \"off\"\n", "rules.R1", "must be true or false"),
    "unknown side": ("[[relations]]\na = \"sdf\"\nb = \"turkey\"\nrelation = \"hostile\"\n", "relations[0].b",
                     "is not one of regime, sdf, isis, opposition"),
    "unknown relation": ("[[relations]]\na = \"sdf\"\nb = \"regime\"\nrelation = \"friendly\"\n",
                         "relations[0].relation", "is not one of hostile, allied, non_aggression"),
    "date outside the run": ("[[events]]\ndate = 2020-06-01\nkind = \"pause\"\nuntil = 2020-07-01\n",
                             "events[0].date", "outside the run"),
    "date param outside the run": ("[params]\nsdf_phase2_date = 2017-01-01\n", "params.sdf_phase2_date",
                                   "is not allowed"),
    "unknown top-level key": ("paramz = 1\n", "paramz", "a scenario file may have name, description"),
    "unknown extends": ("extends = \"nowhere\"\n", "extends", "unknown scenario 'nowhere'"),
    "event without its field": ("[[events]]\ndate = 2018-01-01\nkind = \"reinforcement\"\nside = \"regime\"\n",
                                "events[0].kind", "is required"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_kind_of_mistake_names_the_file_the_key_and_what_is_allowed(tmp_path, case):
    body, key, allowed = BAD[case]
    path = write(tmp_path, body)
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    message = str(error.value)
    assert str(path) in message and key.split(".")[0] in message and allowed in message, message


def test_a_cycle_in_extends_is_refused(tmp_path):
    write(tmp_path, 'extends = "two"\n', "one")
    write(tmp_path, 'extends = "one"\n', "two")
    with pytest.raises(ScenarioError, match="cycle in extends: one -> two -> one"):
        load_scenario(tmp_path / "one.toml", directory=tmp_path)


def test_a_bad_file_stops_the_command_with_exit_2_and_runs_nothing(tmp_path, capsys):
    path = write(tmp_path, "[params]\nlethality = 7\n")
    out = tmp_path / "out"
    assert main(["run", str(path), "--days", "5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "params.lethality" in err and "Traceback" not in err
    assert not out.exists()
    assert main(["compare", "baseline", str(path), "--days", "5", "--out", str(out)]) == 2
    assert not out.exists()


def test_extends_inherits_and_overrides(tmp_path):
    shutil.copy(SCENARIO_DIR / "no_russian_air.toml", tmp_path / "no_russian_air.toml")
    body = 'extends = "no_russian_air"\n[params]\ncoalition_sorties_per_day = 40.0\n[rules]\nR1 = false\n'
    path = write(tmp_path, body)
    scenario = load_scenario(path, directory=SCENARIO_DIR)
    assert scenario.params.russian_sorties_per_day == 0 and scenario.params.coalition_sorties_per_day == 40
    assert scenario.rules_off == {"R1"}


VALID = (SCENARIO_DIR / "afrin_pause.toml").read_text() + "\n[params]\nlethality = 0.02\n[rules]\nR14 = false\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_mutations_of_a_valid_file_never_produce_a_traceback(tmp_path, data, capsys):
    lines = VALID.splitlines()
    mutation = data.draw(st.sampled_from(["drop", "duplicate", "garble", "swap_value", "insert"]))
    i = data.draw(st.integers(0, len(lines) - 1))
    junk = data.draw(st.sampled_from(["= 3", "x = [1,", "R99 = true", '"', "date = 2031-01-01", "lethality = -1",
                                      "[rules]", "kind = \"invasion\"", "withdrawal = 2.5", "until = 2017-01-01"]))
    if mutation == "drop":
        del lines[i]
    elif mutation == "duplicate":
        lines.insert(i, lines[i])
    elif mutation == "garble":
        lines[i] = lines[i][: len(lines[i]) // 2]
    elif mutation == "swap_value" and "=" in lines[i]:
        lines[i] = lines[i].split("=")[0] + "= " + junk.split("=")[-1]
    else:
        lines.insert(i, junk)
    path = tmp_path / "mutant.toml"
    path.write_text("\n".join(lines) + "\n")
    code = main(["scenarios", "show", str(path)])
    err = capsys.readouterr().err
    assert code in (0, 2)
    assert "Traceback" not in err
    if code == 2:
        assert str(path) in err


def test_dated_reinforcement_and_relation_events_take_effect(tmp_path):
    from sim.codes import side_code
    from sim.model import CampaignModel

    path = write(tmp_path, (
        '[[events]]\ndate = 2017-09-15\nkind = "reinforcement"\nside = "opposition"\nunit_kind = "opposition"\n'
        'fighters = 450\nplace = "tanf"\n'
        '[[events]]\ndate = 2017-09-20\nkind = "relation"\na = "opposition"\nb = "sdf"\nrelation = "allied"\n'))
    scenario = load_scenario(path)
    model = CampaignModel(scenario, rng=2, days=12)
    code = side_code("opposition")
    while model.day < 4:
        model.step()
    assert model.ledger[code]["arrived"] == 0 and model.relations.relation("sdf", "opposition") == "non_aggression"
    model.step()
    assert model.ledger[code]["arrived"] == 450
    while model.day < 10:
        model.step()
    assert model.relations.relation("sdf", "opposition") == "allied"



def test_a_relation_turning_hostile_makes_each_side_see_the_others_units_as_enemies():
    from sim.codes import side_code
    from sim.events import RelationChanges
    from sim.model import CampaignModel

    model = CampaignModel(rng=2, days=6)
    opposition, sdf = side_code("opposition"), side_code("sdf")
    model.step()
    sdf_cells = model.unit_cells(sdf)
    assert sdf_cells and model.hostile_unit_cells(opposition).isdisjoint(sdf_cells)
    RelationChanges(model, model.day + 1, "opposition", "sdf", "hostile").apply()  # at once, no unit moving
    assert model.relations.relation("sdf", "opposition") == "hostile"
    assert sdf_cells <= model.hostile_unit_cells(opposition)
    assert model.unit_cells(opposition) <= model.hostile_unit_cells(sdf)
    assert all(model.hostile_present(opposition, cell) for cell in sdf_cells)
