"""Hostile input, generated: mutated scenario files, mutated sweep specs and odd argument lists.

Whatever hypothesis makes, the command line answers with exit 0 or exit 2 (one ``error:`` line), never a
traceback, and writes nothing outside its working folder. Commands that would run the model get
``--dry-run``, which checks everything a run checks (the files, the run count, the output folder) and
stops before the model: a few hundred cases in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_TEXTS = [(ROOT / "scenarios" / f"{name}.toml").read_bytes()
                  for name in ("afrin_pause", "no_russian_air", "historical_incidents", "isis_collapse")]
SWEEP_TEXTS = [(ROOT / "sweeps" / f"{name}.toml").read_bytes() for name in ("quick_lhs", "air_isis_phase2")]
CASES = {"scenario": 120, "sweep": 90, "arguments": 120}  # the fuzz's size, reported in the issue note

HOSTILE_VALUES = [
    "-1", "0", "1", "1e400", "nan", "inf", "-inf", "1" * 400, "true", '""', '"../../escaped"', '"/tmp/abs"',
    '"x/../../../sweep_escape"', '"a\\u0000b"', '"ÉÇÀ"', "[]", "[[[[[[[[[[1]]]]]]]]]]", "{}", "{a = 1}",
    "2017-09-10", "1800-01-01", "9999-12-31", '"R99"', '"hostile"', "100000", "10000", "5",
    '["regime_losses"]', '"baseline"', "1000000000000", '"grid"',
]
KEYS = ["name", "description", "extends", "params", "rules", "relations", "events", "design", "samples",
        "replications", "grid_levels", "morris_levels", "outcomes", "factors", "seed", "days", "scenario",
        "relaton", "kind", "date", "until", "side", "a", "b", "relation", "lethality", "sdf_fighters"]
RAW_INSERTS = [b"\xff\xfe", b"\x00", b"[", b"]]", b"=", b'"', b"\n[[relations]]\na = \"sdf\"\nb = \"isis\"\n"
               b"relation = \"war\"\nrelaton = \"hostile\"\n", b"[" * 200 + b"1" + b"]" * 200,
               b"\n[factors.sdf_fighters]\nlevels = [" + b", ".join(b"%d" % (3000 + i) for i in range(100)) + b"]\n"]


@st.composite
def mutated(draw, texts: list[bytes]) -> bytes:
    """A shipped file with a few hostile edits: a key set to a hostile value, raw bytes spliced in,
    lines dropped or repeated."""
    lines = draw(st.sampled_from(texts)).split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(("set", "insert", "drop", "repeat")))
        at = draw(st.integers(0, len(lines)))
        if edit == "set":
            key, value = draw(st.sampled_from(KEYS)), draw(st.sampled_from(HOSTILE_VALUES))
            lines.insert(at, f"{key} = {value}".encode())
        elif edit == "insert":
            lines.insert(at, draw(st.sampled_from(RAW_INSERTS)))
        elif edit == "drop" and lines:
            lines.pop(min(at, len(lines) - 1))
        elif lines:
            lines.insert(at, lines[min(at, len(lines) - 1)])
    return b"\n".join(lines)


def files_outside(work: Path, before: set[Path]) -> list[Path]:
    """Files under the fuzz's sandbox that appeared outside its working folder."""
    sandbox = work.parent
    return [p for p in sandbox.rglob("*") if p not in before and work not in p.parents and p != work]


def run_cli(argv: list[str], work: Path) -> int:
    """``run.py ARGV`` in ``work``: its exit code; any exception other than argparse's exit fails the test."""
    previous = Path.cwd()
    os.chdir(work)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            try:
                code = main(argv)
            except SystemExit as stop:  # argparse's own exit for a malformed option
                code = stop.code
    finally:
        os.chdir(previous)
    assert code in (0, 2), f"run.py {argv!r} exited {code}: {err.getvalue()[-500:]}"
    event(f"{' '.join(argv[:1])}: exit {code}")  # the mix of outcomes (pytest --hypothesis-show-statistics)
    if code == 2:
        assert "Traceback" not in err.getvalue()
    return code


@contextlib.contextmanager
def sandbox():
    """A folder with a working folder inside it (the only place a command may write) and a record of
    what was in the sandbox before."""
    with tempfile.TemporaryDirectory() as root:
        work = Path(root) / "deep" / "er" / "work"
        work.mkdir(parents=True)
        yield work, set(Path(root).rglob("*"))


FUZZ = settings(max_examples=CASES["scenario"], deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(text=mutated(SCENARIO_TEXTS))
def test_mutated_scenario_files_exit_0_or_2_and_write_nothing_outside(text):
    with sandbox() as (work, before):
        path = work / "case.toml"
        path.write_bytes(text)
        run_cli(["scenarios", "show", str(path)], work)
        run_cli(["run", str(path), "--dry-run", "--replications", "2"], work)
        assert files_outside(work, before) == []


@settings(FUZZ, max_examples=CASES["sweep"])
@given(text=mutated(SWEEP_TEXTS))
def test_mutated_sweep_specs_exit_0_or_2_and_write_nothing_outside(text):
    with sandbox() as (work, before):
        path = work / "case.toml"
        path.write_bytes(text)
        run_cli(["sweep", str(path), "--dry-run"], work)
        assert files_outside(work, before) == []


ARGUMENT_VALUES = ["-1", "0", "1", "2", "24", "1000000000000", "1e400", "nan", "", "-", "../..", "/dev/null",
                   "/dev/zero", "tcp://127.0.0.1:0", "nonsense", "local", "x" * 300, "ÉÇÀ", "--", "baseline",
                   "no_russian_air", "../../escaped_run", "/", "results", "a/b", "9" * 400]
OPTIONS = ["--replications", "--seed", "--days", "--workers", "--out", "--max-runs", "--scheduler", "--port",
           "--every", "--fps", "--group", "--bootstrap", "--cell-km"]
COMMANDS = [["run"], ["compare", "baseline"], ["sweep"], ["scenarios", "show"], ["report"], ["analyze"],
            ["params"], ["rules"], ["scenarios"]]


@st.composite
def argument_lists(draw) -> list[str]:
    argv = list(draw(st.sampled_from(COMMANDS)))
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            argv += [draw(st.sampled_from(OPTIONS)), draw(st.sampled_from(ARGUMENT_VALUES))]
        else:
            argv.append(draw(st.sampled_from(ARGUMENT_VALUES)))
    if argv[0] in ("run", "compare", "sweep"):
        argv.append("--dry-run")
    return argv


@settings(FUZZ, max_examples=CASES["arguments"])
@given(argv=argument_lists())
def test_odd_argument_lists_exit_0_or_2_and_write_nothing_outside(argv):
    with sandbox() as (work, before):
        run_cli(argv, work)
        assert files_outside(work, before) == []
