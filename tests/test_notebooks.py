"""The notebooks: each runs top to bottom in a fresh kernel at a small size, and stays reviewable
(committed without outputs, in step with its py:percent text form)."""

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.py"))
EXPECTED = ["01_a_single_run", "02_what_if", "03_sweep_and_sensitivity", "04_build_your_own_scenario"]


def test_the_four_notebooks_are_there_in_both_forms():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED
    for text in NOTEBOOKS:
        assert text.with_suffix(".ipynb").exists(), f"{text.name} has no .ipynb: run `make notebooks`"


@pytest.mark.parametrize("text", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_is_committed_without_outputs_and_in_step_with_its_text_form(text):
    notebook = nbformat.read(text.with_suffix(".ipynb"), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, f"{text.stem} has outputs: strip them"
    paired = jupytext.read(text)
    assert [c.source for c in paired.cells] == [c.source for c in notebook.cells], (
        f"{text.stem}.ipynb and {text.name} differ: run `make notebooks`")


@pytest.mark.parametrize("text", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_notebook_runs_top_to_bottom_in_a_fresh_kernel(text, monkeypatch):
    monkeypatch.setenv("EUPHRATES_NOTEBOOK_SCALE", "small")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(text.with_suffix(".ipynb"), as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
