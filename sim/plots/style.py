"""Colours and labels shared by every figure."""

import matplotlib

matplotlib.use("Agg")  # figures are written to files; no screen is needed

SIDE_COLOURS = {
    "regime": "#c0392b",  # red, as in most maps of the war
    "sdf": "#e6b800",  # yellow
    "isis": "#222222",  # black
    "opposition": "#2e8b57",  # green
}
SIDE_LABELS = {
    "regime": "Regime and allies",
    "sdf": "SDF and Deir ez-Zor Military Council",
    "isis": "ISIS",
    "opposition": "Desert opposition (al-Tanf)",
}
TERRAIN_COLOURS = {  # by Terrain code 0..3
    0: "#6fa8dc",  # water
    1: "#b5d99c",  # irrigated valley
    2: "#efe6cf",  # desert
    3: "#8c8c8c",  # urban
}
TERRAIN_LABELS = {0: "Water", 1: "Irrigated valley", 2: "Desert (Badia, Jazira)", 3: "Urban"}
