"""Colours, labels and unit markers shared by every figure.

The sides take strong colours of the Okabe-Ito and Tol palettes, chosen to stay apart for readers with
red-green colour blindness (deuteranopia, protanopia): vermilion, yellow, near-black and purple. The
ground takes pale, low-saturation colours of other hues, so no side can be mistaken for terrain: the
irrigated valley is a pale sage (no side is green), and built-up ground is a dotted pattern over a pale
stone colour (a brown or grey town would look like the regime's or ISIS's zone to some readers). Checked
by simulating deuteranopia, protanopia and tritanopia (Machado et al. 2009) on map.png.
"""

import matplotlib

matplotlib.use("Agg")  # figures are written to files; no screen is needed

SIDE_COLOURS = {
    "regime": "#d55e00",  # vermilion (Okabe-Ito): the red of most maps of the war
    "sdf": "#e8c000",  # yellow, as in most maps of the war
    "isis": "#1a1a1a",  # near-black
    "opposition": "#aa3377",  # purple (Tol): not green, which red-green colour-blind readers confuse with red
}
SIDE_LABELS = {
    "regime": "Regime and allies",
    "sdf": "SDF and Deir ez-Zor Military Council",
    "isis": "ISIS",
    "opposition": "Desert opposition (al-Tanf)",
}
UNIT_EDGES = {"regime": "black", "sdf": "black", "isis": "white", "opposition": "white"}  # contrasting outlines
TERRAIN_COLOURS = {  # by Terrain code 0..3
    0: "#9cc9e8",  # water
    1: "#cfe0b8",  # irrigated valley: pale sage
    2: "#f4efe3",  # desert: pale sand
    3: "#ddd3c4",  # urban: pale stone, under a dotted pattern
}
URBAN_HATCH = "...."
URBAN_HATCH_COLOUR = "#4d4238"
TERRAIN_LABELS = {0: "Water", 1: "Irrigated valley", 2: "Desert (Badia, Jazira)", 3: "Urban"}
IRAQ_COLOUR = "#e3e3e3"
RIVER_COLOUR = "#1f5fa8"
ROAD_COLOUR = "#6b5a48"
UNIT_MARKERS = {  # by kind of unit: circles for line units, triangles for assault troops, diamonds for militias
    "syrian_army": "o", "sdf": "o", "isis": "o", "opposition": "o",
    "elite_assault": "^",
    "ndf_militia": "D", "iranian_militia": "D", "dmc_tribal": "D",
}
UNIT_MARKER_LABELS = {"o": "line unit", "^": "assault troops", "D": "militia, tribal fighters"}
