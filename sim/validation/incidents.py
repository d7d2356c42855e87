"""Rule R1 against the record: the article says the regime and the SDF never fight (¶8); reporting
shows a few clashes near the river line (campaign.md, known departures). Counts each run's
regime-SDF engagements and sets them beside the incidents the record lists."""

from __future__ import annotations

import pandas as pd

from sim.validation.records import RecordEvent

PAIR = frozenset({"regime", "sdf"})


def regime_sdf_engagements(engagements: pd.DataFrame) -> pd.DataFrame:
    """The engagements between the regime and the SDF, either side attacking."""
    if "attacker" not in engagements:
        return pd.DataFrame(columns=["run_id", "day", "kind", "attacker", "defender"])
    attacker, defender = engagements["attacker"], engagements["defender"]
    return engagements[attacker.isin(PAIR) & defender.isin(PAIR) & (attacker != defender)]


def regime_sdf_clashes(engagements: pd.DataFrame, run_ids: list[int]) -> pd.DataFrame:
    """Per run: regime-SDF clashes (engagements that cost either side fighters), how many of them were
    incidents, and the first one's day."""
    mine = regime_sdf_engagements(engagements)
    if "attacker_losses" in mine:
        mine = mine[(mine["attacker_losses"] + mine["defender_losses"]) > 0]
    by_run = mine.groupby("run_id")
    incidents = mine[mine["kind"] == "incident"].groupby("run_id").size()
    return pd.DataFrame(
        {
            "run_id": run_ids,
            "clashes": by_run.size().reindex(run_ids, fill_value=0).to_numpy(dtype=int),
            "incidents": incidents.reindex(run_ids, fill_value=0).to_numpy(dtype=int),
            "first_day": by_run["day"].min().reindex(run_ids).to_numpy(dtype=float),
        }
    )


def incident_table(clashes: dict[str, pd.DataFrame], events: tuple[RecordEvent, ...], last_day: int) -> pd.DataFrame:
    """Per scenario: regime-SDF clashes per run (median, 10th-90th percentile, mean), the share of runs
    without any, beside the number of incidents the record lists up to ``last_day``."""
    recorded = [e for e in events if e.kind == "incident" and e.day <= last_day]
    rows = []
    for scenario, frame in clashes.items():
        counts = frame["clashes"].astype(float)
        rows.append(
            {
                "scenario": scenario, "runs": len(frame), "median": counts.median(), "p10": counts.quantile(0.1),
                "p90": counts.quantile(0.9), "mean": counts.mean(), "none_share": float((counts == 0).mean()),
                "first_day_median": frame["first_day"].median(), "record": len(recorded),
                "record_dates": ", ".join(e.date.isoformat() for e in recorded),
            }
        )
    return pd.DataFrame(rows)
