"""Hostile input, case by case: names that would escape the results folder, files that would crash a
reader, numbers past any sense, bad output folders and scheduler addresses. Each ends in exit 2 with one
line naming the file or option, before anything runs, and nothing is written outside the output folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sim.cli import main
from sim.cli.run_limits import worker_count
from sim.experiments.results_folder import FolderError, claim
from sim.experiments.scenario_comparison import compare_scenarios
from sim.names import OutputPathError, path_inside
from sim.scenario import baseline
from sim.scenarios import ScenarioError, resolve_scenario

ROOT = Path(__file__).resolve().parents[1]


def scenario_file(folder: Path, body: str, name: str = "case", description: str = "A hostile case.") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(f'name = "{name}"\ndescription = "{description}"\n{body}' if name else body)
    return path


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


@pytest.fixture
def jail(tmp_path, monkeypatch):
    """A working folder two levels down in tmp_path; returns (work, files of tmp_path before)."""
    work = tmp_path / "a" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    return work, files_under(tmp_path)


def exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code


# Names become paths: refused where the file is read, and every path built from one is checked.

@pytest.mark.parametrize("name", ["../../escaped_run", "/tmp/abs_run", "x/../../../sweep_escape", "a\u0000b",
                                  "Capital", "dot.ted", "a" * 65])
def test_a_scenario_name_that_is_not_an_identifier_is_exit_2_and_writes_nothing(jail, tmp_path, capsys, name):
    work, before = jail
    path = work / "hostile.toml"
    path.write_text(f'name = "{name.replace(chr(0), "\\u0000")}"\ndescription = "escape"\n')
    assert exit_code(["run", str(path), "--days", "1", "-n", "1", "--workers", "1"]) == 2
    error = capsys.readouterr().err
    assert "hostile.toml: name:" in error and "lower-case letters" in error
    assert files_under(tmp_path) - before == {path}
    assert not Path("/tmp/abs_run").exists()


def test_a_sweep_name_that_would_escape_is_exit_2(jail, tmp_path, capsys):
    work, before = jail
    spec = work / "spec.toml"
    spec.write_text('name = "x/../../../sweep_escape"\ndescription = "escape"\n[factors.lethality]\n'
                    'range = [0.01, 0.03]\n')
    assert exit_code(["sweep", str(spec), "--workers", "1"]) == 2
    assert "spec.toml: name:" in capsys.readouterr().err
    assert files_under(tmp_path) - before == {work / "spec.toml"} - before


def test_compare_refuses_scenarios_whose_names_would_put_figures_outside_out(tmp_path):
    hostile = [baseline(), baseline().with_params()]
    from dataclasses import replace

    hostile[1] = replace(hostile[1], name="../../../../cmp_escape/z")
    out = tmp_path / "deep" / "out"
    with pytest.raises(OutputPathError, match="cmp_escape"):
        compare_scenarios(hostile, replications=1, days=1, out=out)
    assert not out.exists() and not (tmp_path / "cmp_escape").exists()


@pytest.mark.parametrize("part", ["../x", "/etc/x", "a/b", "..", ".", "", "nul\u0000here"])
def test_path_inside_refuses_anything_but_one_plain_component(tmp_path, part):
    with pytest.raises(OutputPathError):
        path_inside(tmp_path, part)
    assert path_inside(tmp_path, "timeline_no_russian_air.png") == tmp_path / "timeline_no_russian_air.png"


def test_a_symlink_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link.png").symlink_to(tmp_path / "elsewhere.png")
    with pytest.raises(OutputPathError, match="outside"):
        path_inside(tmp_path / "out", "link.png")


# Readers: whatever a file holds is one ScenarioError naming the file (exit 2), never a traceback.

@pytest.mark.parametrize("content,expected", [
    (b'name = "case"\ndescription = "\xff\xfe not utf-8"\n', "not UTF-8"),
    (b'name = "case"\ndescription = "deep"\nx = ' + b"[" * 5000 + b"]" * 5000 + b"\n", "case.toml: "),
    (b'name = "case"\ndescription = "big"\n[params]\nlethality = ' + b"9" * 400 + b"\n", "params.lethality"),
    (b'name = "case"\ndescription = "huge"\n# ' + b"x" * 1_100_000 + b"\n", "at most 1000000"),
    (b'name = "case"\ndescription = "relations"\n[[relations]]\na = "sdf"\nb = "regime"\nrelation = "war"\n'
     b'relaton = "hostile"\n', "relations[0].relaton: unknown field"),
])
def test_a_hostile_scenario_file_is_one_error_naming_the_file(tmp_path, content, expected):
    path = tmp_path / "case.toml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError, match=r"case\.toml") as caught:
        resolve_scenario(path)
    assert expected in str(caught.value)


@pytest.mark.parametrize("target,expected", [("folder", "is a folder"), ("/dev/zero", "not a regular file")])
def test_a_folder_or_a_device_given_as_a_scenario_is_exit_2_at_once(tmp_path, capsys, target, expected):
    path = tmp_path if target == "folder" else Path(target)
    started = time.perf_counter()
    assert exit_code(["run", str(path), "--dry-run"]) == 2
    assert expected in capsys.readouterr().err
    assert time.perf_counter() - started < 10
    assert exit_code(["sweep", str(path), "--dry-run"]) == 2


def test_a_long_extends_chain_is_read_without_recursion(tmp_path):
    previous = "baseline"
    for i in range(990):  # past what reading by recursion reached (Python stops at 1000 frames)
        scenario_file(tmp_path, f'extends = "{previous}"\n[params]\nsdf_fighters = {3000 + i}\n', name=f"s{i}")
        previous = f"s{i}"
    scenario = resolve_scenario(tmp_path / "s989.toml")
    assert scenario.name == "s989" and scenario.params.sdf_fighters == 3000 + 989


@pytest.mark.parametrize("body,expected", [
    ("outcomes = 5\n", "outcomes: must be a non-empty list"),
    ("outcomes = []\n", "outcomes: must be a non-empty list"),
    ("outcomes = [5]\n", "outcomes: unknown outcome 5"),
    ("seed = -1\n", "seed: must be a whole number from 0"),
    ("days = " + "9" * 400 + "\n", "days: must be a whole number from 1 to 36500"),
])
def test_a_hostile_sweep_spec_is_exit_2_naming_the_key(tmp_path, capsys, body, expected):
    spec = tmp_path / "spec.toml"
    spec.write_text('name = "spec"\ndescription = "hostile"\n' + body + '[factors.lethality]\nrange = [0.01, 0.03]\n')
    assert exit_code(["sweep", str(spec), "--out", str(tmp_path / "out"), "--dry-run"]) == 2
    assert expected in capsys.readouterr().err


# Limits: checked before anything runs, each with a way to raise it.

@pytest.mark.parametrize("argv,expected", [
    (["run", "baseline", "--replications", "1000000000000"], "1,000,000,000,000 runs, over the limit"),
    (["compare", "baseline", "no_russian_air", "-n", "6000"], "12,000 runs, over the limit of 10,000"),
])
def test_too_many_runs_is_refused_at_once_with_the_option_to_raise_it(tmp_path, capsys, argv, expected):
    started = time.perf_counter()
    assert exit_code([*argv, "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert expected in error and "--max-runs" in error
    assert time.perf_counter() - started < 10 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("body", [
    'design = "grid"\ngrid_levels = 100\n' + "".join(
        f"[factors.{f}]\nrange = [{low}, {high}]\n" for f, low, high in (
            ("sdf_fighters", 2000, 10000), ("isis_fighters_city", 1500, 4000), ("isis_fighters_valley", 4000, 12000),
            ("regime_relief_force", 2000, 9000), ("regime_upstream_force", 500, 4000), ("pmf_fighters", 0, 4000))),
    'design = "lhs"\nsamples = 100000\nreplications = 10000\n[factors.lethality]\nrange = [0.01, 0.03]\n',
])
def test_a_sweep_of_too_many_runs_is_refused_before_its_design_is_built(tmp_path, capsys, body):
    spec = tmp_path / "spec.toml"
    spec.write_text('name = "spec"\ndescription = "huge"\n' + body)
    started = time.perf_counter()
    assert exit_code(["sweep", str(spec), "--out", str(tmp_path / "out")]) == 2
    assert "over the limit of 10,000" in capsys.readouterr().err
    assert time.perf_counter() - started < 10


def test_workers_are_cut_to_the_runs_and_the_cores_with_a_warning(capsys):
    assert worker_count(24, 2) == min(2, os.cpu_count())
    assert "--workers 24 cut to" in capsys.readouterr().err
    assert worker_count(None, 1) == 1 and worker_count(1, 50) == 1


@pytest.mark.parametrize("value", ["-1", "1e400", str(2**63), "x"])
def test_the_seed_must_be_a_whole_number_from_0_to_2_63(value, capsys):
    assert exit_code(["run", "baseline", "--seed", value, "--dry-run"]) == 2
    assert "--seed" in capsys.readouterr().err


# A bad --out stops the command before anything runs.

@pytest.mark.parametrize("make", ["file", "dev_null", "under_a_file", "long_name"])
def test_a_bad_out_is_exit_2_before_any_run(tmp_path, capsys, make):
    target = {"file": tmp_path / "a_file", "dev_null": Path("/dev/null"),
              "under_a_file": tmp_path / "a_file" / "below", "long_name": tmp_path / ("x" * 300)}[make]
    (tmp_path / "a_file").write_text("not a folder")
    started = time.perf_counter()
    assert exit_code(["run", "baseline", "--out", str(target), "-n", "1", "--workers", "1"]) == 2
    assert "output folder" in capsys.readouterr().err
    assert time.perf_counter() - started < 10


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_out_is_exit_2(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    assert exit_code(["run", "baseline", "--out", str(locked / "out"), "-n", "1"]) == 2
    assert "cannot be written" in capsys.readouterr().err


def test_a_folder_of_other_files_or_another_command_is_not_overwritten_without_force(tmp_path):
    mine = tmp_path / "home"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    with pytest.raises(FolderError, match="no results of this project"):
        claim(mine, "run", "baseline")
    assert claim(mine, "run", "baseline", force=True) == mine
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "manifest.json").write_text('{"tool": "euphrates-sim sweep", "name": "quick_lhs"}')
    with pytest.raises(FolderError, match="another command"):
        claim(sweep, "run", "baseline")
    assert claim(sweep, "sweep", "quick_lhs") == sweep


# Scheduler addresses.

@pytest.mark.parametrize("address", ["nonsense", "tcp://127.0.0.1", "tcp://127.0.0.1:0", "http://x:80",
                                     "tcp://127.0.0.1:99999"])
def test_a_malformed_scheduler_address_is_exit_2(tmp_path, capsys, address):
    assert exit_code(["sweep", "quick_lhs", "--scheduler", address, "--out", str(tmp_path / "o")]) == 2
    assert "is not a Dask scheduler address" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_scheduler_that_does_not_answer_is_one_line_within_the_timeout(tmp_path, capsys, monkeypatch):
    pytest.importorskip("dask.distributed")
    import sim.experiments.sweep as sweep

    monkeypatch.setattr(sweep, "SCHEDULER_TIMEOUT_SECONDS", 2)
    started = time.perf_counter()
    code = exit_code(["sweep", "quick_lhs", "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "o")])
    error = capsys.readouterr().err
    assert code == 2 and "Traceback" not in error
    assert [line.split(" (")[0] for line in error.splitlines() if line.startswith("error:")] == [
        "error: no Dask scheduler answered at tcp://127.0.0.1:9 within 2 s"]
    assert time.perf_counter() - started < 2 + 15


def test_the_record_and_geography_files_are_read_as_safely(tmp_path, capsys):
    (tmp_path / "events.csv").write_bytes(b"\xff\xfeid,date\n")
    assert exit_code(["validate", "--events", str(tmp_path / "events.csv"), "--dry-run",
                      "--out", str(tmp_path / "v")]) == 2
    assert "events.csv: file: is not UTF-8 text" in capsys.readouterr().err
    data = tmp_path / "data"
    data.mkdir()
    (data / "map.toml").write_bytes(b"[bbox]\nlat_min = " + b"[" * 5000 + b"\n")
    assert exit_code(["map", "--data", str(data), "--out", str(tmp_path / "m")]) == 2
    assert "map.toml: file: is not valid TOML" in capsys.readouterr().err


def test_a_folder_written_before_manifests_named_their_command_is_taken_by_the_same_scenarios(tmp_path):
    folder = tmp_path / "validation" / "runs"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text('{"tool": "euphrates-sim", "scenarios": [{"name": "baseline"}, '
                                          '{"name": "historical_incidents"}]}')
    assert claim(folder, "validate", "baseline historical_incidents") == folder
    with pytest.raises(FolderError, match="another command"):
        claim(folder, "validate", "baseline")
