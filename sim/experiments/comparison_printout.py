"""The comparison as text that explains itself: what each interval is, units on every number, shares'
differences in percentage points, and outcomes that never happened in any run left out with a note.

``run.py compare`` and ``run.py run`` both print with ``format_comparison`` (``run`` has one scenario
and so no differences); the definitions printed above the table are ``INTERVAL_DEFINITIONS``.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from sim.calendar import date_of
from sim.experiments.compare import RANGE_PERCENTILES

LOW, HIGH = (f"{p:g}" for p in RANGE_PERCENTILES)
RANGE_HEADING = f"runs {LOW}–{HIGH}%"
DIFFERENCE_HEADING = "mean paired difference [95% CI]"
RANGE_DEFINITION = (
    "How to read it:\n"
    "  median, mean      over the runs in which the outcome happened\n"
    f"  {RANGE_HEADING:<17} the middle 95% of those runs: their {LOW}th to {HIGH}th percentile (a range of\n"
    "                    runs, not a confidence interval)\n"
    "  never             runs in which it did not happen within the days simulated, out of all runs\n"
    "  Dates are printed as dates, shares in %, areas in km²."
)
DIFFERENCE_DEFINITION = (
    f"  {DIFFERENCE_HEADING}\n"
    "                    against the first scenario, run by run with the same seed: the mean of\n"
    "                    (scenario - reference) over the seeds where both happened, and its 95% confidence\n"
    "                    interval (Student t over those differences). When every run happened in both, it\n"
    "                    equals the difference of the two means printed. Dates differ in days (d), shares\n"
    "                    in percentage points (pp)."
)
INTERVAL_DEFINITIONS = RANGE_DEFINITION + "\n" + DIFFERENCE_DEFINITION


def unit_of(kind: str, unit: str) -> str:
    """The unit a value of this kind is printed in."""
    return {"day": "date", "share": "%", "km2": "km²"}.get(kind, unit)


def format_value(value: float, kind: str, difference: bool = False) -> str:
    """A value as a reader wants it: dates for days, % for shares (pp for their differences), km² for
    areas, thousands separators; a difference carries its sign and unit."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "day":
        return f"{value:+.0f} d" if difference else date_of(math.floor(value)).isoformat()
    if kind == "share":
        return f"{100 * value:+.0f} pp" if difference else f"{100 * value:.0f}%"
    return f"{value:+,.0f}" if difference else f"{value:,.0f}"


def outcomes_never_reached(table: pd.DataFrame) -> list[str]:
    """The labels of the outcomes that happened in no run of any scenario."""
    reached = table.groupby("outcome", sort=False)["happened"].max()
    labels = table.drop_duplicates("outcome").set_index("outcome")["label"]
    return [labels[name] for name, count in reached.items() if count == 0]


def paired_text(row: pd.Series, kind: str) -> str:
    """The mean paired difference with its interval, or why there is none."""
    if row["paired_runs"] == 0:
        return "no seed where both happened"
    mean = format_value(row["diff_mean"], kind, True)
    if row["paired_runs"] < 2:
        return f"{mean} (one seed where both happened: no interval)"
    low, high = (format_value(row[k], kind, True) for k in ("diff_low95", "diff_high95"))
    over = "" if row["paired_runs"] == row["runs"] else f" over the {row['paired_runs']} seeds where both happened"
    return f"{mean} [{low} .. {high}]{over}"


def format_comparison(table: pd.DataFrame, *, days: int | None = None) -> str:
    """The comparison (or, for one scenario, the summary) as a text table with its definitions.

    ``days`` is how long the runs were (None: to the scenario's end date), named in the notes.
    """
    scenarios = list(dict.fromkeys(table["scenario"]))
    reference = scenarios[0]
    width = max(len("scenario"), *(len(s) for s in scenarios))
    within = f"within the {days} days simulated" if days else "within the run"
    heading = f"  {'scenario':<{width}}  {'median':>10}  {'mean':>10}  {RANGE_HEADING:>24}  {'never':>5}"
    if len(scenarios) > 1:
        heading += f"  {DIFFERENCE_HEADING} vs {reference}"
    definitions = INTERVAL_DEFINITIONS if len(scenarios) > 1 else RANGE_DEFINITION
    lines = [definitions, "", heading]
    never_reached = set(outcomes_never_reached(table))
    for _, rows in table.groupby("outcome", sort=False):
        first = rows.iloc[0]
        if first["label"] in never_reached:
            continue
        kind = first["kind"]
        lines.append(f"\n{first['label']}, {unit_of(kind, first['unit'])}")
        for _, row in rows.iterrows():
            never = row["runs"] - row["happened"]
            if row["happened"]:
                spread = f"{format_value(row['low95'], kind)} .. {format_value(row['high95'], kind)}"
                line = (f"  {row['scenario']:<{width}}  {format_value(row['median'], kind):>10}  "
                        f"{format_value(row['mean'], kind):>10}  {spread:>24}  {never:>2}/{row['runs']:<2}")
            else:
                line = f"  {row['scenario']:<{width}}  {'never ' + within:<50}  {never:>2}/{row['runs']:<2}"
            if row["scenario"] != reference:
                line += "  " + paired_text(row, kind)
            lines.append(line.rstrip())
    if never_reached:
        note = f"Left out, as no run reached them {within}: " + "; ".join(sorted(never_reached)) + "."
        lines.append("\n" + textwrap.fill(note, width=100, subsequent_indent="  "))
    return "\n".join(lines)
