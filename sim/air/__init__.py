"""Air forces as actors (issue 17): the Russian air force for the regime (R3, ¶2) and the coalition's
for the SDF and its allies (R8, ¶8), each with a doctrine, a daily sortie budget by period, rules of
engagement on civilians, and a targeting policy that spends the budget on close support, strikes on
concentrations and interdiction.

- ``doctrine``: who flies for whom, how many sorties a day (by period, grounded by weather or a
  humanitarian pause), the shares of each mission, the civilian threshold of its rules of engagement;
- ``targeting``: the day's targets and the sorties each gets, every sortie flown or carried over;
- ``effects``: what a sortie does: damage by cover with diminishing returns per target, morale, the
  march and supply lost to interdiction, civilian deaths;
- ``campaign``: the air forces' state over a run (carry-over, ledger, the strikes flown).
"""

from sim.air.campaign import AirCampaign
from sim.air.doctrine import AIR_FORCES, AirForce, grounded_over, sortie_budgets

__all__ = ["AIR_FORCES", "AirCampaign", "AirForce", "grounded_over", "sortie_budgets"]
