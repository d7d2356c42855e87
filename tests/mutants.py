"""The mutation check (``make mutants``): does the suite catch a broken mechanism?

Each mutant of ``tests/mutants.toml`` is a named one-line break of the model: a file, a snippet of its
source that must occur there exactly once, and what replaces it. Each is applied in turn to a temporary
copy of the repository, where the tests it names run (under a time limit and a memory limit, with
hypothesis derandomised); the mutant is killed by the first of them to fail, or survives. The seeded
regression snapshot never counts as a kill (it fails on any change, and a refresh makes it pass).
A mutant whose snippet no longer occurs exactly once is an error, not a skip: re-anchor it on the code
as it now stands. The table's last line reads ``killed K of N (P%)``.

    python -m tests.mutants [--only NAME ...] [--out FILE] [--timeout S] [--memory-gb G]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "tests" / "mutants.toml"
NEVER_A_KILL = ("tests/test_regression.py",)  # the snapshot fails on any change: it tells nothing about a mechanism
AREAS = ("combat", "battle", "siege", "march", "movement", "control", "commanders", "rules", "population", "air",
         "events", "recorder", "model")
TIMEOUT_SECONDS = 600  # the targeted tests of one mutant, all together
TEST_TIMEOUT_SECONDS = 240  # one test of them (pytest-timeout): a runaway fails by name
MEMORY_GB = 4.0  # address space of the test process of one mutant (resource.setrlimit)


class MutantError(Exception):
    """The mutants file is wrong, or a mutant does not apply to the code as it stands."""


@dataclass(frozen=True)
class Mutant:
    name: str
    area: str
    file: str
    original: str
    replacement: str
    tests: tuple[str, ...]
    breaks: str  # what the mutant breaks, in words
    equivalent: str = ""  # why a survivor changes nothing the model does (a listed survivor)


@dataclass
class Verdict:
    mutant: Mutant
    killed_by: str = ""  # the first targeted test that failed
    outcome: str = "survived"  # killed, survived, timeout
    seconds: float = 0.0
    detail: list[str] = field(default_factory=list)


def load_mutants(path: Path = MUTANTS) -> list[Mutant]:
    """The mutants of the file, checked for shape (names unique, areas known, tests named)."""
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8"))["mutant"]
    except (tomllib.TOMLDecodeError, KeyError) as error:
        raise MutantError(f"{path}: {error}") from error
    mutants, seen = [], set()
    allowed = {f.name for f in Mutant.__dataclass_fields__.values()}
    for i, entry in enumerate(entries):
        where = f"{path}: mutant[{i}]"
        unknown = set(entry) - allowed
        if unknown:
            raise MutantError(f"{where}: unknown keys {sorted(unknown)}; a mutant has {sorted(allowed)}")
        try:
            mutant = Mutant(**{**entry, "tests": tuple(entry.get("tests", ()))})
        except TypeError as error:
            raise MutantError(f"{where}: {error}") from error
        if mutant.name in seen:
            raise MutantError(f"{where}: the name {mutant.name!r} is used twice")
        seen.add(mutant.name)
        if mutant.area not in AREAS:
            raise MutantError(f"{where} ({mutant.name}): area {mutant.area!r} is not one of {', '.join(AREAS)}")
        if not mutant.tests:
            raise MutantError(f"{where} ({mutant.name}): no tests named to kill it")
        if any(t.split("::")[0] in NEVER_A_KILL for t in mutant.tests):
            raise MutantError(f"{where} ({mutant.name}): the regression snapshot never counts as a kill")
        if mutant.original == mutant.replacement:
            raise MutantError(f"{where} ({mutant.name}): the replacement is the original")
        mutants.append(mutant)
    return mutants


def mutated_source(mutant: Mutant, root: Path = ROOT) -> str:
    """The mutant's file with its snippet replaced; an error unless the snippet occurs exactly once."""
    path = root / mutant.file
    if not path.is_file():
        raise MutantError(f"mutant {mutant.name}: {mutant.file} does not exist")
    source = path.read_text(encoding="utf-8")
    count = source.count(mutant.original)
    if count != 1:
        raise MutantError(f"mutant {mutant.name}: its snippet occurs {count} times in {mutant.file}, not once "
                          f"(re-anchor it on the code as it stands): {mutant.original!r}")
    return source.replace(mutant.original, mutant.replacement)


def copy_repository(target: Path) -> None:
    """The work tree's files as git sees them (tracked, and new files not ignored) copied to ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def limit_memory(gigabytes: float):
    """A pre-exec function: the child's address space capped (resource.setrlimit)."""
    cap = int(gigabytes * 2**30)

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    return apply


def run_tests(copy: Path, tests: tuple[str, ...], report: Path, timeout: float, memory_gb: float,
              stop_at_first: bool = True) -> tuple[int | None, float]:
    """Run ``tests`` in the copy (its own code first on the path); returns pytest's exit code (None:
    over the time limit) and the seconds taken."""
    command = [sys.executable, "-m", "pytest", *tests, "-q", "-p", "no:cacheprovider", "-m", "",
               f"--timeout={TEST_TIMEOUT_SECONDS}", f"--junitxml={report}"]
    if stop_at_first:
        command.append("-x")
    env = {**os.environ, "PYTHONPATH": str(copy), "HYPOTHESIS_PROFILE": "ci",
           "EUPHRATES_TEST_MEMORY_GB": str(memory_gb), "OPENBLAS_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
    started = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=copy, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout, preexec_fn=limit_memory(memory_gb))
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - started
    return done.returncode, time.perf_counter() - started


def failed_tests(report: Path) -> list[str]:
    """The tests a JUnit report shows failing or erroring, in the order run (as pytest node ids)."""
    if not report.exists():
        return []
    failed = []
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            module = case.get("classname", "").replace(".", "/")
            failed.append(f"{module}.py::{case.get('name')}")
    return failed


def forget_compiled(path: Path) -> None:
    """Remove a source file's compiled bytecode, which Python might otherwise take for the file's."""
    for compiled in (path.parent / "__pycache__").glob(f"{path.stem}.*.pyc"):
        compiled.unlink()


def judge(mutant: Mutant, copy: Path, timeout: float, memory_gb: float) -> Verdict:
    """Apply the mutant in the copy, run its tests, put the file back."""
    path = copy / mutant.file
    original = path.read_text(encoding="utf-8")
    path.write_text(mutated_source(mutant, copy), encoding="utf-8")
    forget_compiled(path)
    report = copy / ".mutant-report.xml"
    report.unlink(missing_ok=True)
    try:
        code, seconds = run_tests(copy, mutant.tests, report, timeout, memory_gb)
    finally:
        path.write_text(original, encoding="utf-8")
        forget_compiled(path)
    verdict = Verdict(mutant, seconds=seconds)
    failed = [t for t in failed_tests(report) if t.split("::")[0] not in NEVER_A_KILL]
    if code is None:
        verdict.outcome, verdict.killed_by = "timeout", failed[0] if failed else f"(over {timeout:.0f} s)"
    elif failed:
        verdict.outcome, verdict.killed_by = "killed", failed[0]
    elif code not in (0, 1):
        verdict.outcome, verdict.killed_by = "killed", f"(pytest exit {code}: the tests could not run)"
    return verdict


def table(verdicts: list[Verdict]) -> str:
    """The mutation table; its last line ``killed K of N (P%)``."""
    width = max(len(v.mutant.name) for v in verdicts)
    lines = [f"{'mutant':<{width}}  {'area':<10}  {'result':<8}  {'seconds':>7}  killed by / why it survives"]
    for v in verdicts:
        why = v.killed_by if v.outcome != "survived" else (
            f"equivalent: {v.mutant.equivalent}" if v.mutant.equivalent else f"NO TEST CATCHES: {v.mutant.breaks}")
        lines.append(f"{v.mutant.name:<{width}}  {v.mutant.area:<10}  {v.outcome:<8}  {v.seconds:7.1f}  {why}")
    killed = sum(v.outcome != "survived" for v in verdicts)
    lines.append(f"killed {killed} of {len(verdicts)} ({100 * killed / max(len(verdicts), 1):.0f}%)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutants", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="run only these mutants (by name)")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS, help="seconds for one mutant's tests")
    parser.add_argument("--memory-gb", type=float, default=MEMORY_GB, help="address space of one mutant's tests")
    parser.add_argument("--no-clean-check", action="store_true",
                        help="skip running the targeted tests on the unmutated code first")
    args = parser.parse_args(argv)
    try:
        mutants = load_mutants()
        for mutant in mutants:  # every mutant must apply before any runs
            mutated_source(mutant)
        if args.only is not None:
            unknown = set(args.only) - {m.name for m in mutants}
            if unknown:
                raise MutantError(f"--only: no mutant named {', '.join(sorted(unknown))}")
            mutants = [m for m in mutants if m.name in args.only]
    except MutantError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="mutants-") as folder:
        copy = Path(folder)
        copy_repository(copy)
        if not args.no_clean_check:
            tests = tuple(dict.fromkeys(t for m in mutants for t in m.tests))
            report = copy / ".clean-report.xml"
            code, seconds = run_tests(copy, tests, report, args.timeout * 4, args.memory_gb, stop_at_first=False)
            if code != 0:
                print(f"error: the targeted tests fail on the unmutated code ({seconds:.0f} s, exit {code}): "
                      f"{failed_tests(report) or 'see pytest'}; a kill would mean nothing", file=sys.stderr)
                return 1
            print(f"the {len(tests)} targeted tests pass on the unmutated code ({seconds:.0f} s)", flush=True)
        verdicts = []
        for mutant in mutants:
            verdict = judge(mutant, copy, args.timeout, args.memory_gb)
            verdicts.append(verdict)
            print(f"{mutant.name}: {verdict.outcome} {verdict.killed_by} ({verdict.seconds:.0f} s)", flush=True)
    text = table(verdicts)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
