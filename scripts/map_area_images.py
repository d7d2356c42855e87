"""Crops of the campaign map around Deir ez-Zor city and al-Bukamal, for docs/images/.

Draws the map as ``run.py map`` does (same figure size and resolution) for one day of a results
folder's run 0, with its units and the past fortnight's engagements, and saves the part of the figure
covering each area as a small PNG.

    .venv/bin/python run.py run baseline --replications 1 --workers 1 --out results/area_images
    .venv/bin/python scripts/map_area_images.py results/area_images --day 54 --tag after
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
from PIL import Image

from sim.calendar import date_of
from sim.experiments.store import read_snapshots, read_table
from sim.geography.export import MapBackdrop
from sim.plots.map import draw_map

AREAS = {  # name: (lon min, lon max, lat min, lat max)
    "city": (39.95, 40.75, 34.95, 35.45),
    "bukamal": (40.6, 41.4, 34.25, 34.8),
}
DPI = 300  # twice map.png's 150 dpi: the area as a reader zooming into the map sees it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a results folder of `run.py run` (run 0 is drawn)")
    parser.add_argument("--day", type=int, default=54, help="a snapshot day of run 0 (default 54)")
    parser.add_argument("--tag", default="after", help="file name tag: map_<area>_<tag>.png")
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    args = parser.parse_args()

    backdrop = MapBackdrop.load(args.folder / "layers.npz")
    key = next(k for k in read_snapshots(args.folder) if k.endswith(f"/0/{args.day}"))
    snapshot = read_snapshots(args.folder)[key]
    events = read_table(args.folder, "events")
    recent = events[(events["run_id"] == 0) & (events["day"] > args.day - 15) & (events["day"] <= args.day)]
    fig, ax = plt.subplots(figsize=(9, 9.5), dpi=DPI)
    draw_map(
        ax, backdrop, snapshot["control"], units=snapshot["units"], engagements=recent.to_dict("records"),
        title=f"{date_of(args.day).isoformat()} (day {args.day})",
    )
    fig.tight_layout()
    fig.canvas.draw()
    image = Image.frombuffer("RGBA", fig.canvas.get_width_height(), bytes(fig.canvas.buffer_rgba()))
    height = image.height
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (lon0, lon1, lat0, lat1) in AREAS.items():
        (x0, y0), (x1, y1) = ax.transData.transform([(lon0, lat0), (lon1, lat1)])
        crop = image.crop((int(x0), int(height - y1), int(x1), int(height - y0))).convert("RGB")
        path = args.out / f"map_{name}_{args.tag}.png"
        crop.save(path, optimize=True)
        print(f"wrote {path} ({crop.width} x {crop.height} px, {path.stat().st_size / 1000:.0f} kB)")
    plt.close(fig)


if __name__ == "__main__":
    main()
