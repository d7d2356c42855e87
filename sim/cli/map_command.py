"""``run.py map``: build the map and write map.png and layers.npz."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from sim.cli.common import param_option
from sim.codes import SIDES, Terrain
from sim.params import DECLARATION


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "map",
        help="build the Euphrates valley map; write map.png and layers.npz",
        description="Build the map from the project's geography data and write DIR/map.png (a "
        "report-ready map of day 0, 2017-09-10) and DIR/layers.npz (every layer as a 2-D array, "
        "with the latitude and longitude of each cell centre).",
    )
    param_option(parser, "cell_km")
    parser.add_argument(
        "--out", type=Path, default=Path("results/map"), metavar="DIR", help="output folder (default: results/map)"
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="geography data folder to build from (default: the project's own, "
        "sim/geography/data); useful to try corrected coordinates",
    )
    parser.set_defaults(handler=run)


def run(args) -> int:
    from sim.geography import DATA_DIR, load_map
    from sim.geography.export import MapBackdrop
    from sim.plots.map import save_map

    cell_km = args.cell_km or DECLARATION["cell_km"].default
    started = time.perf_counter()
    layers = load_map(cell_km, args.data or DATA_DIR)
    built = time.perf_counter() - started
    backdrop = MapBackdrop.from_layers(layers)
    npz = backdrop.save(args.out / "layers.npz")
    png = save_map(
        backdrop, args.out / "map.png", title=f"The middle Euphrates valley on day 0, 2017-09-10 ({cell_km:g} km cells)"
    )
    nx, ny = layers.frame.shape
    terrain = layers["terrain"]
    control = layers["control"]
    area = layers.frame.cell_area_km2
    print(f"map: {nx} x {ny} cells of {cell_km:g} km, built in {built:.2f} s")
    print(
        f"  valley {np.sum(terrain == Terrain.VALLEY) * area:,.0f} km², urban "
        f"{np.sum(terrain == Terrain.URBAN) * area:,.0f} km²; population {layers['population'].sum():,.0f} on "
        f"the whole map, which is wider than Deir ez-Zor governorate "
        f"({layers['population'][layers['governorate']].sum():,.0f} in the governorate)"
    )
    held = ", ".join(f"{side} {np.sum(control == i) * area:,.0f} km²" for i, side in enumerate(SIDES, 1))
    print(f"  day 0 control: {held}")
    print(f"wrote {png} and {npz}")
    return 0
