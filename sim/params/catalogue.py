"""The one declaration of every model parameter: default, unit, range and source.

Sources name a fact file of the project (``sim/geography/data``, ``sim/forces``), a paragraph of
the article (``¶n``, see docs/SOURCES.md), or say "assumption" (and, once fitted, "calibrated").
"""

from __future__ import annotations

from sim.params.declaration import Param

MAP = (
    Param(
        "cell_km",
        2.0,
        "km",
        1.0,
        5.0,
        group="map",
        source="design card: about 2 km; the map builds at 1-5 km",
        doc="Side of one grid cell.",
    ),
)

PARAMETERS: tuple[Param, ...] = MAP
