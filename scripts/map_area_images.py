"""Images of the map around Deir ez-Zor city and al-Bukamal, for docs/images/.

Draws the published map (``run.py map``'s figure, at its size and resolution) for one day of a results
folder's run 0, with its units and the past fortnight's engagements, and saves each zoom panel (with
its title and ticks) as a small PNG: what a reader of map.png sees of these areas.

    .venv/bin/python run.py run baseline --replications 1 --workers 1 --out results/area_images
    .venv/bin/python scripts/map_area_images.py results/area_images --day 54 --tag after

(The "before" images were cropped at the same bounds from the whole map as commit 385c5f5 drew it,
with that commit's version of this script.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib.pyplot as plt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's sim, not an installed one

from sim.calendar import date_of
from sim.experiments.store import read_snapshots, read_table
from sim.geography.export import MapBackdrop
from sim.plots.map import ZOOM_AREAS, map_figure

DPI = 150  # map.png's


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a results folder of `run.py run` (run 0 is drawn)")
    parser.add_argument("--day", type=int, default=54, help="a snapshot day of run 0 (default 54)")
    parser.add_argument("--tag", default="after", help="file name tag: map_<area>_<tag>.png")
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    args = parser.parse_args()

    backdrop = MapBackdrop.load(args.folder / "layers.npz")
    snapshots = read_snapshots(args.folder)
    snapshot = snapshots[next(k for k in snapshots if k.endswith(f"/0/{args.day}"))]
    events = read_table(args.folder, "events")
    recent = events[(events["run_id"] == 0) & (events["day"] > args.day - 15) & (events["day"] <= args.day)]
    fig = map_figure(backdrop, snapshot["control"], units=snapshot["units"], engagements=recent.to_dict("records"),
                     title=f"{date_of(args.day):%d %B %Y} (day {args.day})", dpi=DPI)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ZOOM_AREAS:
        (ax,) = [a for a in fig.axes if a.get_label() == f"zoom:{name}"]
        box = ax.get_tightbbox(renderer).padded(4).transformed(fig.dpi_scale_trans.inverted())
        path = args.out / f"map_{name}_{args.tag}.png"
        fig.savefig(path, dpi=DPI, bbox_inches=box)
        print(f"wrote {path} ({path.stat().st_size / 1000:.0f} kB)")
    plt.close(fig)


if __name__ == "__main__":
    main()
