"""A stylized fact of conflict: the sizes of violent events have a power-law tail.

Across many insurgencies the number killed per event follows P(x) ~ x^-alpha above some x_min with
alpha near 2.5 (Bohorquez, Gourley, Dixon, Spagat and Johnson, Nature 462, 2009). The tail is fitted
as Clauset, Shalizi and Newman (SIAM Review 51, 2009) prescribe, with the ``powerlaw`` package
(Alstott, Bullmore and Plenz, PLoS ONE 9, 2014): a discrete power law by maximum likelihood above
each candidate x_min, x_min chosen by the smallest Kolmogorov-Smirnov distance. The interval on
alpha comes from a bootstrap that refits x_min too and resamples whole runs (engagements of one
run are not independent); likelihood-ratio tests set the power law against a log-normal and an
exponential tail.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

REFERENCE_ALPHA = 2.5  # Bohorquez et al. 2009: insurgencies' event sizes
#: powerlaw 2.0 accepts alpha only within (0, 3) unless told otherwise, which would clip steep tails.
ALPHA_RANGE = (1.0, 10.0)
MIN_TAIL_VALUES = 50  # fewer positive values than this: no fit
BOOTSTRAP_SAMPLES = 200
CONFIDENCE = 0.95


@dataclass(frozen=True)
class TailFit:
    """A power-law fit of a tail: x_min, alpha with its standard error and bootstrap interval, and
    the log-likelihood ratios R (positive favours the power law) with their p-values."""

    label: str
    n: int  # values offered
    n_positive: int  # values above zero (the fit's data)
    xmin: float
    n_tail: int
    alpha: float
    standard_error: float  # (alpha - 1) / sqrt(n_tail), for x_min fixed
    ci_low: float
    ci_high: float
    bootstrap: int  # bootstrap samples that gave a fit
    ks_distance: float
    lognormal_r: float
    lognormal_p: float
    exponential_r: float
    exponential_p: float
    note: str = ""

    @property
    def ok(self) -> bool:
        """Whether there was a fit."""
        return math.isfinite(self.alpha)

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% interval on alpha: the bootstrap's, or +-1.96 standard errors without a bootstrap."""
        if self.bootstrap:
            return self.ci_low, self.ci_high
        return self.alpha - 1.96 * self.standard_error, self.alpha + 1.96 * self.standard_error

    def contains(self, alpha: float) -> bool:
        """Whether ``alpha`` lies within the 95% interval."""
        low, high = self.interval
        return low <= alpha <= high

    def interval_text(self) -> str:
        """The interval and how it was obtained, for the scorecard."""
        low, high = self.interval
        how = f"bootstrap of {self.bootstrap}" if self.bootstrap else "±1.96 standard errors"
        return f"[{low:.2f}, {high:.2f}] ({how})"

    def as_row(self) -> dict:
        """The fit as one row of a table."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def engagement_sizes(engagements: pd.DataFrame, *, civilians: bool = False) -> pd.Series:
    """Fighters killed per engagement (both sides; with ``civilians``, civilians too), indexed by run_id."""
    if "attacker_losses" not in engagements:
        return pd.Series(dtype=float)
    sizes = engagements["attacker_losses"] + engagements["defender_losses"]
    if civilians:
        sizes = sizes + engagements["civilian_deaths"]
    return pd.Series(sizes.to_numpy(dtype=float), index=engagements["run_id"].to_numpy(), name="size")


def fit_tail(
    sizes: pd.Series | np.ndarray, *, label: str = "", bootstrap: int = BOOTSTRAP_SAMPLES, seed: int = 0,
    discrete: bool = True, workers: int = 1,
) -> TailFit:
    """Fit the power-law tail of ``sizes`` (a Series indexed by run id resamples runs in the bootstrap,
    an array resamples values; ``workers`` processes share the bootstrap); too few positive values give a
    fit of NaNs with a note."""
    series = sizes if isinstance(sizes, pd.Series) else pd.Series(np.asarray(sizes, dtype=float))
    positive = series[series > 0]
    blank = dict(
        label=label, n=int(series.size), n_positive=int(positive.size), xmin=math.nan, n_tail=0, alpha=math.nan,
        standard_error=math.nan, ci_low=math.nan, ci_high=math.nan, bootstrap=0, ks_distance=math.nan,
        lognormal_r=math.nan, lognormal_p=math.nan, exponential_r=math.nan, exponential_p=math.nan,
    )
    if positive.size < MIN_TAIL_VALUES or positive.nunique() < 3:
        return TailFit(**blank, note=f"too few engagements with losses to fit ({positive.size})")
    fit = _fit(positive.to_numpy(), discrete)
    power_law = fit.power_law
    if not math.isfinite(power_law.alpha) or fit.noise_flag:
        return TailFit(**blank, note="no x_min gave a valid fit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lognormal_r, lognormal_p = fit.distribution_compare("power_law", "lognormal", normalized_ratio=True)
        exponential_r, exponential_p = fit.distribution_compare("power_law", "exponential", normalized_ratio=True)
    alphas = _bootstrap_alphas(positive, bootstrap, seed, discrete, workers)
    tail = (1 - CONFIDENCE) / 2
    low, high = (np.quantile(alphas, [tail, 1 - tail]) if alphas.size else (math.nan, math.nan))
    return TailFit(
        **{
            **blank,
            "xmin": float(fit.xmin), "n_tail": int(power_law.n), "alpha": float(power_law.alpha),
            "standard_error": float(power_law.standard_err), "ci_low": float(low), "ci_high": float(high),
            "bootstrap": int(alphas.size), "ks_distance": float(power_law.D),
            "lognormal_r": float(lognormal_r), "lognormal_p": float(lognormal_p),
            "exponential_r": float(exponential_r), "exponential_p": float(exponential_p),
        }
    )


def _fit(values: np.ndarray, discrete: bool):
    import powerlaw

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the package warns per candidate x_min
        fit = powerlaw.Fit(values, discrete=discrete, verbose=0, parameter_ranges={"alpha": list(ALPHA_RANGE)})
        fit.power_law  # noqa: B018 - fitting happens on first access; do it with warnings silenced
    return fit


def _bootstrap_alphas(positive: pd.Series, samples: int, seed: int, discrete: bool, workers: int) -> np.ndarray:
    """Alphas refitted (x_min included) on resamples of whole runs, or of values when there is one run.
    The resamples are drawn first, so the result does not depend on ``workers``."""
    rng = np.random.default_rng(seed)
    if positive.index.nunique() > 1:
        groups = [g.to_numpy() for _, g in positive.groupby(level=0)]
        resamples = [np.concatenate([groups[i] for i in rng.integers(0, len(groups), len(groups))])
                     for _ in range(samples)]
    else:
        values = positive.to_numpy()
        resamples = [rng.choice(values, size=values.size, replace=True) for _ in range(samples)]
    if workers > 1 and samples > 1:
        # the local pool the replications run on (loky, reused), as sim.experiments.runner does
        from sim.experiments.worker_lifetime import local_pool

        executor = local_pool(workers)
        futures = [executor.submit(_alphas, resamples[i::workers], discrete) for i in range(workers)]
        alphas = [a for future in futures for a in future.result()]
    else:
        alphas = _alphas(resamples, discrete)
    return np.array(sorted(alphas))


def _alphas(resamples: list[np.ndarray], discrete: bool) -> list[float]:
    alphas = []
    for sample in resamples:
        if np.unique(sample).size < 3:
            continue
        fit = _fit(sample, discrete)
        if not fit.noise_flag and math.isfinite(fit.power_law.alpha):
            alphas.append(float(fit.power_law.alpha))
    return alphas


def sample_discrete_power_law(rng: np.random.Generator, n: int, alpha: float, xmin: int) -> np.ndarray:
    """``n`` draws of an exact discrete power law P(x) ~ x^-alpha for integers x >= xmin (Zipf draws
    kept when at least xmin): synthetic sizes whose exponent is known."""
    if alpha <= 1 or xmin < 1:
        raise ValueError(f"need alpha > 1 and xmin >= 1, got alpha={alpha}, xmin={xmin}")
    kept: list[np.ndarray] = []
    total = 0
    while total < n:
        draws = rng.zipf(alpha, size=max(4 * n, 10_000))
        draws = draws[draws >= xmin]
        kept.append(draws)
        total += draws.size
    return np.concatenate(kept)[:n].astype(float)
