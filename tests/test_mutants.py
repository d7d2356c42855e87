"""The mutation check's mutants (tests/mutants.toml) follow the code: each applies exactly once, names
tests that exist, and the check itself reads, applies and judges as it says (issue 20)."""

from pathlib import Path

import pytest

from tests.mutants import AREAS, Mutant, MutantError, failed_tests, load_mutants, mutated_source, table

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def mutants():
    return load_mutants()


def test_every_mutant_applies_to_the_code_as_it_stands(mutants):
    """A mutant whose snippet no longer occurs exactly once is an error: re-anchor it after a change."""
    problems = []
    for mutant in mutants:
        try:
            assert mutated_source(mutant) != (ROOT / mutant.file).read_text(encoding="utf-8")
        except MutantError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)


def test_there_are_enough_mutants_across_the_model_and_every_rule(mutants):
    assert len(mutants) >= 30
    assert {m.area for m in mutants} >= set(AREAS)
    rules = {m.name.split(".")[0] for m in mutants if m.area == "rules"}
    assert rules == {f"r{i}" for i in range(1, 16)}


def test_every_mutant_names_tests_that_exist(mutants):
    missing = []
    for mutant in mutants:
        for test in mutant.tests:
            module, _, name = test.partition("::")
            source = (ROOT / module).read_text(encoding="utf-8") if (ROOT / module).is_file() else ""
            if f"def {name.split('[')[0]}(" not in source:
                missing.append(f"{mutant.name}: {test}")
    assert not missing, "\n".join(missing)


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mutants.toml"
    path.write_text(body, encoding="utf-8")
    return path


ONE = """[[mutant]]
name = "x"
area = "combat"
file = "sim/combat.py"
original = "{original}"
replacement = "nothing"
tests = ["{test}"]
breaks = "a test of the check"
"""


@pytest.mark.parametrize("original, test, message", [
    ("import", "tests/test_combat.py::t", "occurs"),  # many times
    ("no such text in the file", "tests/test_combat.py::t", "occurs 0 times"),
    ("def expected_losses(", "tests/test_regression.py::t", "never counts as a kill"),
])
def test_a_mutant_that_does_not_apply_or_counts_the_snapshot_is_an_error(tmp_path, original, test, message):
    with pytest.raises(MutantError, match=message):
        for mutant in load_mutants(write(tmp_path, ONE.format(original=original, test=test))):
            mutated_source(mutant)


def test_the_table_ends_with_the_kill_count():
    from tests.mutants import Verdict

    mutant = Mutant("a", "combat", "f", "o", "r", ("t",), "breaks")
    verdicts = [Verdict(mutant, "tests/test_x.py::t", "killed"), Verdict(mutant), Verdict(mutant, "", "timeout")]
    lines = table(verdicts).splitlines()
    assert lines[-1] == "killed 2 of 3 (67%)"
    assert "NO TEST CATCHES: breaks" in lines[2]


def test_the_failing_tests_are_read_from_the_junit_report(tmp_path):
    report = tmp_path / "report.xml"
    report.write_text('<testsuites><testsuite><testcase classname="tests.test_a" name="test_ok"/>'
                      '<testcase classname="tests.test_a" name="test_bad[1]"><failure/></testcase>'
                      '</testsuite></testsuites>')
    assert failed_tests(report) == ["tests/test_a.py::test_bad[1]"]
