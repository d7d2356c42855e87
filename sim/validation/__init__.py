"""The validation harness: the model scored against the historical record and the stylized facts.

``validation/events.csv`` (the record, read by ``records``) -> ``measures`` (each event's counterpart
in a set of runs' tables) -> ``scoring`` (timing, order, values, and the calibration score),
``valley_split`` (the valley by bank on chosen dates), ``incidents`` (rule R1), ``power_law`` and
``lanchester`` (stylized facts) -> ``harness`` (runs the scenarios, scores a results folder) ->
``scorecard`` and ``figures`` (the Markdown, tables and figures). ``python run.py validate`` runs it.
"""
