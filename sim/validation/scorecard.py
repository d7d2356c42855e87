"""Write the scorecard: the validation tables (CSV), the figures, and ``scorecard.md`` that reads them."""

from __future__ import annotations

import math
from importlib import metadata
from pathlib import Path

import pandas as pd

from sim.atomic import atomic_path, write_text
from sim.calendar import date_of
from sim.validation import figures
from sim.validation.harness import SPLIT_DATES, Validation
from sim.validation.power_law import REFERENCE_ALPHA, TailFit
from sim.validation.scoring import DAYS_PER_SHARE_POINT, NEVER_PENALTY_DAYS

CLOSE_DAYS = 14  # a median within two weeks of the record counts as close in the summary


def write_scorecard(out: Path, validation: Validation) -> list[Path]:
    """Write the tables, the figures and scorecard.md into ``out``; returns the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    v = validation
    written = [write_csv(frame, out / f"{name}.csv") for name, frame in tables_of(v).items()]
    written += [
        figures.plot_timeline_vs_record(v.timing, v.events, out / "timeline_vs_record.png", runs=v.runs),
        figures.plot_valley_split(v.splits[v.splits["scenario"] == v.scenario], v.targets, out / "valley_split.png"),
        figures.plot_loss_sizes(v.sizes, v.tail_fits[0], out / "loss_sizes.png"),
        figures.plot_lanchester(v.duel, out / "lanchester.png", sigma=v.combat_sigma),
        figures.plot_incidents(v.clashes, v.clash_engagements, v.events, out / "incidents.png",
                               last_day=int(v.last_days.max())),
    ]
    path = out / "scorecard.md"
    write_text(path, scorecard_markdown(v))
    return [*written, path]


SIDE_BY_SIDE = (
    ("calibration_score_days", "calibration score (days, lower is better)", 1),
    ("check_score_days", "checks' score (days)", 1),
    ("check_median_abs_error_days", "checks: median absolute error of the median (days)", 0),
    ("check_coverage", "checks: coverage of the 10-90% band (about 80% is calibrated)", "share"),
    ("check_crps_days", "checks: mean CRPS (days)", 1),
    ("all_coverage", "every dated event: coverage", "share"),
    ("all_crps_days", "every dated event: mean CRPS (days)", 1),
    ("order_kept_share", "runs keeping the record's order of every key event", "share"),
    ("order_pairs_kept_share", "ordered pairs kept, mean over pairs", "share"),
    ("isis_valley_end_2017_median", "ISIS's share of the valley, 2017-12-31 (record about 10%)", "share"),
    ("isis_valley_mid_2018_median", "ISIS's share of the valley, 2018-07-01 (record about 10%)", "share"),
    ("isis_valley_end_median", "ISIS's share of the valley, 2019-03-31 (record 0)", "share"),
)


def write_side_by_side(out: Path, validations: list[Validation]) -> list[Path]:
    """Each scored scenario's headline numbers side by side: side_by_side.csv and side_by_side.md."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    frame = pd.DataFrame([headline(v) for v in validations])
    csv = write_csv(frame, out / "side_by_side.csv")
    rows = []
    for key, label, digits in SIDE_BY_SIDE:
        cells = [_share(v) if digits == "share" else _number(v, digits) for v in frame[key]]
        rows.append([label, *cells])
    text = (
        "# Scenarios against the record, side by side\n\n"
        f"{int(frame['runs'].min())} runs per scenario, the same seeds. Each scenario's scorecard is in its "
        "folder (`<scenario>/scorecard.md`). The baseline is the article's plan (a forecast made in September "
        "2017); `historical` is the hindcast, with the decisions the sides took as dated inputs.\n\n"
        + markdown_table(["measure", *frame["scenario"]], rows) + "\n"
    )
    path = out / "side_by_side.md"
    write_text(path, text)
    return [csv, path]


def tables_of(v: Validation) -> dict[str, pd.DataFrame]:
    """The tables behind the scorecard, by file name."""
    calibration = pd.concat(
        [v.calibration.targets.assign(role="calibration"), v.check.targets.assign(role="check")], ignore_index=True
    )
    return {
        "timing": v.timing,
        "targets": v.targets,
        "order_pairs": v.order_pairs,
        "valley_split": v.splits,
        "incidents": v.incident_table,
        "regime_sdf_clashes": pd.concat([f.assign(scenario=s) for s, f in v.clashes.items()], ignore_index=True),
        "power_law": pd.DataFrame([f.as_row() for f in v.tail_fits]),
        "lanchester": v.lanchester,
        "calibration_score": calibration,
        "run_values": v.values.reset_index(),
    }


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write a table as CSV atomically."""
    with atomic_path(path) as temporary:
        frame.to_csv(temporary, index=False)
    return path


# ----- the Markdown ------------------------------------------------------------------------------


def markdown_table(headers: list[str], rows: list[list]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _days(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.0f}" if value else "0"


def _share(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.0%}"


def _number(value: float, digits: int = 0) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def scorecard_markdown(v: Validation) -> str:
    """The whole scorecard as Markdown."""
    parts = [
        "# Validation scorecard",
        _provenance(v),
        "## At a glance",
        scorecard_glance(v),
        "![The historical timeline against the simulated one](timeline_vs_record.png)",
        "## 1. Timing of the dated events",
        _timing_section(v),
        "## 2. Historical order of the key events",
        _order_section(v),
        "## 3. Geography: how the valley splits",
        _geography_section(v),
        "## 4. Rule R1: regime-SDF incidents",
        _incidents_section(v),
        "## 5. Stylized facts",
        _power_law_section(v),
        _lanchester_section(v),
        "## 6. Calibration targets and checks",
        _calibration_section(v),
        "## 7. Not scored",
        _inputs_section(v),
        "## Files",
        _files_section(),
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def _provenance(v: Validation) -> str:
    m = v.manifest
    runs = m.get("runs", [])
    by_scenario = {}
    for r in runs:
        ok, failed = by_scenario.get(r["scenario"], (0, 0))
        by_scenario[r["scenario"]] = (ok + (r["status"] == "ok"), failed + (r["status"] != "ok"))
    counts = "; ".join(f"{s}: {ok} runs" + (f" ({failed} failed)" if failed else "") for s, (ok, failed) in
                       by_scenario.items())
    code = m.get("code", {})
    commit = (code.get("git_commit") or "unknown")[:10] + (" (with uncommitted changes)" if code.get(
        "uncommitted_changes") else "")
    try:
        powerlaw_version = metadata.version("powerlaw")
    except metadata.PackageNotFoundError:
        powerlaw_version = "not installed"
    lines = [
        f"Runs: {counts}; master seed {m.get('master_seed')}"
        + (f", {m['days']} days" if m.get("days") else ", to each scenario's end date") + ".",
        f"Results folder: `{v.folder}` (command `{m.get('command', '')}`, {m.get('finished', '')}); code {commit}; "
        f"mesa {m.get('packages', {}).get('mesa')}, powerlaw {powerlaw_version}.",
        f"Record: {sum(e.role == 'calibration' for e in v.events)} calibration targets, "
        f"{sum(e.role == 'check' for e in v.events)} checks and {sum(e.role == 'input' for e in v.events)} "
        "inputs in `validation/events.csv`; caveats of the sources in `validation/NOTES.md`.",
    ]
    lines += [f"Note: {n}" for n in v.notes]
    return "\n".join(f"- {line}" for line in lines)


def headline(v: Validation) -> dict:
    """The scorecard's headline numbers for one scenario (a row of the side-by-side table): the
    calibration score, the checks' median absolute error of the medians, the ensemble's coverage and
    CRPS over the dated checks (and over every dated event), the share of runs keeping the record's
    order, and ISIS's held valley at the record's dates."""
    timing = v.timing if len(v.timing) else pd.DataFrame(columns=["role", "error_days", "covered", "crps_days"])
    checks = timing[timing["role"] == "check"]
    row = {
        "scenario": v.scenario, "runs": v.runs,
        "calibration_score_days": v.calibration.overall,
        "check_score_days": v.check.overall,
        "check_median_abs_error_days": float(checks["error_days"].abs().median()) if len(checks) else math.nan,
        "check_coverage": float(checks["covered"].astype(bool).mean()) if len(checks) else math.nan,
        "check_crps_days": float(checks["crps_days"].mean()) if len(checks) else math.nan,
        "all_coverage": float(timing["covered"].astype(bool).mean()) if len(timing) else math.nan,
        "all_crps_days": float(timing["crps_days"].mean()) if len(timing) else math.nan,
        "order_kept_share": float(v.order_kept.mean()) if len(v.order_kept) else math.nan,
        "order_pairs_kept_share": float(v.order_pairs["kept_share"].mean()) if len(v.order_pairs) else math.nan,
    }
    targets = v.targets.set_index("id") if len(v.targets) else pd.DataFrame()
    for event_id in ("isis_valley_end_2017", "isis_valley_mid_2018", "isis_valley_end"):
        row[f"{event_id}_median"] = float(targets.loc[event_id, "median"]) if event_id in targets.index else math.nan
    return row


def scorecard_glance(v: Validation) -> str:
    """The key numbers, one line each (the first section of the scorecard)."""
    timing = v.timing
    top = headline(v)
    lines = [
        f"- Scenario **{v.scenario}**. **Calibration score: {_number(v.calibration.overall, 1)} days** (mean "
        f"absolute error over {len(v.calibration.targets)} targets; lower is better). **Checks: "
        f"{_number(v.check.overall, 1)} days** over {len(v.check.targets)} events never used to fit.",
        f"- Checks' dated events: median absolute error of the median **{_number(top['check_median_abs_error_days'])}"
        f" days**; coverage **{_share(top['check_coverage'])}** (the record inside the runs' 10-90% band; about 80% "
        f"is calibrated, far less overconfident); CRPS **{_number(top['check_crps_days'], 1)} days**.",
    ]
    for role in ("calibration", "check"):
        rows = timing[timing["role"] == role] if len(timing) else timing
        if len(rows):
            close = int((rows["error_days"].abs() <= CLOSE_DAYS).sum())
            lines.append(f"- Timing ({role}): the median comes within {CLOSE_DAYS} days of the record for "
                         f"{close} of {len(rows)} dated events.")
    if len(v.order_pairs):
        worst = v.order_pairs.sort_values("kept_share").head(3)
        worst_text = "; ".join(f"{r['first']} before {r['second']} in {r['kept_share']:.0%}" for _, r in
                               worst.iterrows())
        lines.append(
            f"- Order: every key event in the historical order in **{v.order_kept.mean():.0%}** of runs; "
            f"{v.order_pairs['kept_share'].mean():.0%} of ordered pairs kept on average (weakest: {worst_text})."
        )
    end = [r for _, r in v.targets.iterrows() if r["kind"] == "share"] if len(v.targets) else []
    if end:
        lines.append("- End state (Deir ez-Zor governorate): " + "; ".join(
            f"{r['id'].replace('_', ' ')} {_share(r['median'])} (record {_share(r['target'])})" for r in end) + ".")
    for _, row in v.incident_table.iterrows():
        lines.append(f"- R1, {row['scenario']}: {_number(row['median'])} regime-SDF clashes per run "
                     f"[{_number(row['p10'])}, {_number(row['p90'])}], none in {row['none_share']:.0%} of runs; "
                     f"the record reports {row['record']}.")
    fit = v.tail_fits[0]
    if fit.ok:
        inside = "inside" if fit.contains(REFERENCE_ALPHA) else "outside"
        lines.append(f"- Power law of engagement sizes: alpha **{fit.alpha:.2f}** {fit.interval_text()} above "
                     f"x_min {fit.xmin:.0f}; insurgencies' {REFERENCE_ALPHA} is {inside} the interval.")
    else:
        lines.append(f"- Power law of engagement sizes: no fit ({fit.note}).")
    daily, hourly = v.lanchester.iloc[0], v.lanchester.iloc[1]
    lines.append(
        f"- Lanchester: alpha A² − beta B² drifts {daily['relative_drift']:.2%} over {daily['days_fought']:.0f} "
        f"days with daily steps, {hourly['relative_drift']:.3%} with hourly steps; the winner keeps "
        f"{daily['attacker_survivors'] + daily['defender_survivors']:.0f} (square law "
        f"{daily['square_law_survivors']:.0f}, linear law {daily['linear_law_survivors']:.0f})."
    )
    return "\n".join(lines)


def _timing_section(v: Validation) -> str:
    if v.timing.empty:
        return "No dated events to score."
    rows = []
    for _, r in v.timing.iterrows():
        band = f"{r['median_date']} [{r['p10_date']} .. {r['p90_date']}]" if r["runs"] else "beyond the runs"
        rows.append([
            r["id"], r["role"], r["record_date"] + (f" ±{r['tolerance_days']:g}" if r["tolerance_days"] else ""),
            band, f"{r['never']}/{r['runs']}", _days(r["error_days"]), _number(r["mean_abs_error_days"], 1),
            _share(r["within_tolerance_share"]) if r["runs"] else "–", "yes" if r["covered"] else "no",
            _number(r["crps_days"], 1),
        ])
    table = markdown_table(
        ["event", "role", "record", "model: median [10% .. 90%]", "never", "error of the median (days)",
         "mean abs. error (days)", "runs within tolerance", "record in the band", "CRPS (days)"], rows)
    return (
        "For each dated event, the day the model reaches it (the measure named in `events.csv`: the first "
        "day the side holds the place, or a milestone of the run), over the runs, against the record. "
        f"A run in which it never happens counts, in the mean absolute error, as {NEVER_PENALTY_DAYS} days "
        "after the run's end. The band covers the record when the record's date lies between the 10% and 90% "
        "days; the CRPS (continuous ranked probability score) measures the whole distribution against the "
        "record, in days (0: every run on the date).\n\n" + table
    )


def _order_section(v: Validation) -> str:
    if v.order_pairs.empty:
        return "Fewer than two key events with a definite order."
    pairs = v.order_pairs.sort_values(["kept_share", "first_date", "second_date"])
    broken = pairs[pairs["kept_share"] < 1]
    rows = [[r["first"], r["first_date"], r["second"], r["second_date"], _share(r["kept_share"])]
            for _, r in broken.iterrows()]
    text = (
        f"Key events (`key = yes`) taken in pairs the record orders beyond the dates' uncertainty: "
        f"{len(pairs)} pairs. Every pair is kept in **{v.order_kept.mean():.0%}** of runs; "
        f"{len(pairs) - len(broken)} pairs are kept in every run (all pairs: `order_pairs.csv`). A tie counts as "
        "kept; an event that never happens comes after all others."
    )
    if rows:
        text += " The pairs some runs break, weakest first:\n\n" + markdown_table(
            ["first", "record", "then", "record", "runs keeping the order"], rows)
    return text


def _geography_section(v: Validation) -> str:
    splits = v.splits[(v.splits["scenario"] == v.scenario) & (v.splits["day"] > 0)]
    if splits.empty:
        return "No control snapshots in the results folder: the split cannot be measured."
    rows = []
    labels = {"right": "right bank", "left": "left bank", "khabur": "Khabur", "map_valley": "all the map's valley"}
    for day in sorted(splits["day"].unique()):
        for bank, label in labels.items():
            shares = splits[(splits["day"] == day) & (splits["bank"] == bank)].set_index("side")
            cells = [f"{_share(shares.loc[s, 'median'])} [{_share(shares.loc[s, 'p10'])}, "
                     f"{_share(shares.loc[s, 'p90'])}]" for s in ("regime", "sdf", "isis")]
            rows.append([date_of(int(day)).isoformat(), label, *cells])
    text = (
        "Share of the valley (irrigated and urban cells) of Deir ez-Zor governorate held by each side, bank by "
        "bank, median [10%, 90%] over runs, on the dates with control snapshots (`validate` takes them on "
        f"{', '.join(d.isoformat() for d in SPLIT_DATES)} and on the dates of `bank_share` rows); the "
        "fourth row of each date spans the valley of the whole map, upstream to Tabqa.\n\n"
        + markdown_table(["date", "valley", "regime", "SDF", "ISIS"], rows)
        + "\n\n![The valley split](valley_split.png)"
    )
    return text + "\n\n" + _targets_table(v, "share", "Against the record's end state:")


def _targets_table(v: Validation, kind: str, title: str) -> str:
    rows = v.targets[v.targets["kind"] == kind] if len(v.targets) else v.targets
    if rows.empty:
        return ""
    fmt = _share if kind == "share" else _number
    body = []
    for _, r in rows.iterrows():
        bound = {"at_least": "≥ ", "at_most": "≤ "}.get(r["bound"], "")
        tolerance = f" ± {fmt(r['tolerance'])}" if r["tolerance"] and r["bound"] == "about" else ""
        body.append([r["id"], r["role"], r["date"], f"{bound}{fmt(r['target'])}{tolerance}",
                     f"{fmt(r['median'])} [{fmt(r['p10'])}, {fmt(r['p90'])}]", _share(r["met_share"])])
    return title + "\n\n" + markdown_table(
        ["target", "role", "date", "record", "model: median [10%, 90%]", "runs meeting it"], body)


def _incidents_section(v: Validation) -> str:
    rows = [[r["scenario"], r["runs"], f"{_number(r['median'])} [{_number(r['p10'])}, {_number(r['p90'])}]",
             _number(r["mean"], 1), _share(r["none_share"]),
             date_of(int(r["first_day_median"])).isoformat() if not math.isnan(r["first_day_median"]) else "–",
             r["record"]] for _, r in v.incident_table.iterrows()]
    recorded = [e for e in v.events if e.kind == "incident"]
    listing = "\n".join(f"- {e.date.isoformat()}: {e.what} ({e.source})" for e in recorded)
    return (
        "The article's rule R1 (¶8): the regime and the SDF never engage. The baseline follows it; "
        "`historical_incidents` gives a small daily chance of a clash near the river line. Regime-SDF "
        "engagements per run (either side attacking):\n\n"
        + markdown_table(["scenario", "runs", "clashes: median [10%, 90%]", "mean", "runs without any",
                          "first clash (median)", "reported"], rows)
        + "\n\nThe incidents reported (`measure = incident`), which partly contradict the rule:\n\n" + listing
        + "\n\n![Regime-SDF clashes](incidents.png)"
    )


def _power_law_section(v: Validation) -> str:
    rows = [_fit_row(f) for f in v.tail_fits]
    fit = v.tail_fits[0]
    verdict = ""
    if fit.ok:
        verdict = (
            f"\n\nThe model's tail is {'steeper' if fit.alpha > REFERENCE_ALPHA else 'flatter'} than the "
            f"{REFERENCE_ALPHA} found across insurgencies (Bohorquez et al., Nature 462, 2009), which "
            f"{'lies inside' if fit.contains(REFERENCE_ALPHA) else 'lies outside'} the interval. "
            "Against a log-normal tail the likelihood ratio is "
            f"R = {fit.lognormal_r:+.2f} (p = {fit.lognormal_p:.2g}; R > 0 favours the power law, and p above "
            "0.1 means the data cannot tell them apart); against an exponential tail R = "
            f"{fit.exponential_r:+.2f} (p = {fit.exponential_p:.2g})."
        )
    return (
        "### The size of engagements: a power-law tail\n\n"
        "Fighters killed per engagement (one side attacking one cell for one day), over all baseline runs. "
        "The tail is fitted by maximum likelihood as a discrete power law above x_min, x_min chosen by the "
        "smallest Kolmogorov-Smirnov distance (Clauset, Shalizi and Newman, SIAM Review 51, 2009; the "
        "`powerlaw` package). The 95% interval comes from a bootstrap that resamples whole runs and refits "
        "x_min each time; the standard error (alpha − 1)/√n holds x_min fixed.\n\n"
        + markdown_table(["sizes", "engagements with losses", "x_min", "in the tail", "alpha", "standard error",
                          "95% interval", "KS distance"], rows)
        + verdict + "\n\n![Engagement sizes](loss_sizes.png)"
    )


def _fit_row(fit: TailFit) -> list:
    if not fit.ok:
        return [fit.label, fit.n_positive, "–", "–", "–", "–", "–", fit.note]
    return [fit.label, f"{fit.n_positive:,}", f"{fit.xmin:.0f}", f"{fit.n_tail:,}", f"{fit.alpha:.2f}",
            f"{fit.standard_error:.3f}", fit.interval_text(), f"{fit.ks_distance:.3f}"]


def _lanchester_section(v: Validation) -> str:
    d = v.duel
    rows = [[r["world"], f"{r['days_fought']:.0f}", f"{r['relative_drift']:.3%}", f"{r['stepping_drift_bound']:.3%}",
             f"{r['attacker_survivors']:.0f}", f"{r['square_law_survivors']:.0f}", f"{r['linear_law_survivors']:.0f}"]
            for _, r in v.lanchester.iterrows()]
    return (
        "### Lanchester's square law in a two-unit world\n\n"
        f"One attacking unit of {d.attacker:.0f} and one defending unit of {d.defender:.0f}, equal effectiveness, "
        f"the baseline's lethality ({d.lethality:g}) and valley defence (×{d.defence:g}), no air, morale or "
        "withdrawal, fought with the model's own combat code (`sim.combat`). Aimed fire conserves "
        f"alpha A² − beta B² (alpha = {d.alpha:.4f}, beta = {d.beta:.4f} a day); the drift is measured "
        "against alpha A0² + beta B0². Stepping a day at a time shrinks the invariant by a factor "
        "1 − alpha·beta·h² a step (the bound shown); the drift vanishes with the step. The random draws "
        "(log-normal intensity, Poisson losses) follow the law on average.\n\n"
        + markdown_table(["world", "days", "drift of the invariant", "stepping bound", "winner's survivors",
                          "square law", "linear law"], rows)
        + "\n\n![The two-unit world](lanchester.png)"
    )


def _calibration_section(v: Validation) -> str:
    def table(score) -> str:
        rows = [[r["id"], r["kind"], f"{r['error']:+.1f} {r['unit']}", f"{r['mean_abs_error']:.1f} {r['unit']}",
                 f"{r['weighted_days']:.1f}"] for _, r in score.targets.iterrows()]
        return markdown_table(["target", "kind", "error of the median", "mean abs. error", "counts as (days)"], rows)

    return (
        "Rows of `validation/events.csv` with `role = calibration` are the targets the baseline's free "
        "parameters were tuned to (the calibration table of `docs/sources/campaign.md` and the end state); "
        "rows with `role = check` were not used to tune anything and test the model out of sample "
        "(but see `validation/NOTES.md`: the hand calibration looked at the casualty orders of magnitude). "
        "The score of a set of runs is the mean over targets of each target's mean absolute error over the "
        f"runs, in days; a share target's percentage points outside its tolerance count {DAYS_PER_SHARE_POINT:g} "
        f"day each, and a run in which a dated target never comes counts as {NEVER_PENALTY_DAYS} days after "
        "its end (`sim.validation.scoring.score_runs`, the function a calibration sweep minimises; "
        "the procedure is in `validation/README.md`).\n\n"
        f"**Calibration targets: {_number(v.calibration.overall, 1)} days.**\n\n{table(v.calibration)}\n\n"
        f"**Checks: {_number(v.check.overall, 1)} days.**\n\n{table(v.check)}\n\n"
        + _targets_table(v, "count", "Orders of magnitude (checks, not in the score):")
    )


def _inputs_section(v: Validation) -> str:
    inputs = [e for e in v.events if e.role == "input"]
    lines = [f"- {e.date.isoformat()} {e.id}: {e.what}" for e in inputs]
    return "Events the model is given or cannot score (`role = input`):\n\n" + "\n".join(lines)


def _files_section() -> str:
    return (
        "Tables beside this file: `timing.csv`, `order_pairs.csv`, `targets.csv`, `valley_split.csv`, "
        "`incidents.csv`, `regime_sdf_clashes.csv`, `power_law.csv`, `lanchester.csv`, "
        "`calibration_score.csv`, `run_values.csv` (each run's value of each scored event). Figures: "
        "`timeline_vs_record.png`, `valley_split.png`, `loss_sizes.png`, `lanchester.png`, `incidents.png`. "
        "The runs themselves: the results folder named above."
    )
