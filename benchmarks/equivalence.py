"""Is a faster version the same campaign in distribution? Paired seeds of the baseline, before and after.

Run: ``.venv/bin/python benchmarks/equivalence.py [--before REF] [--seeds N] [--workers W]``. The code at
``REF`` (a git commit, by default the last one before this round of speed work with the same model) is
taken out of this repository into a temporary folder; both versions run the baseline with the same seeds (1..N), each in
a process of its own that imports only its own ``sim``; every outcome is compared with two two-sample
tests, Mann-Whitney's U (a shift of the middle) and Kolmogorov-Smirnov's (any difference of shape). A
day that never came (NaN) counts as later than every day that did. Faster code may change
floating-point sums and the order of draws, never the campaign: no p-value of a headline outcome
(``sim.outcomes.HEADLINE``) may fall below 0.01. With some 35 outcomes and two tests each, one p-value
below 0.01 among the others is what chance alone gives now and then; they are listed for reading.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEFORE = "e8503c9"  # the model as the hindcast (issue 15) left it, before the second round of issue 19
# (fc4e9f0, the code as issue 19 found it, runs a model the hindcast has changed since: not a speed-only "before")
ALPHA = 0.01
CHILD = """
import json, sys
from sim.experiments.runner import run_many, run_summary
from sim.scenario import baseline
seeds, workers = json.loads(sys.argv[1]), int(sys.argv[2])
results = run_many([(baseline(), i, seed) for i, seed in enumerate(seeds)], workers=workers, run=run_summary)
failed = [r.error for r in results if not r.ok]
if failed:
    raise SystemExit(failed[0])
print(json.dumps([r.summary for r in results]))
"""


def summaries(code: Path, seeds: list[int], workers: int) -> list[dict[str, float]]:
    """One summary of outcomes per seed from the code in ``code`` (a fresh process importing its ``sim``)."""
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(seeds), str(workers)], cwd=code,
                         env={**os.environ, "PYTHONPATH": str(code)}, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"the runs of {code} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def checked_out(ref: str, folder: Path) -> Path:
    """The repository's files at ``ref`` written under ``folder``."""
    archive = folder / "code.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), ref], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(folder / "code", filter="data")
    return folder / "code"


def compare(before: list[dict], after: list[dict]) -> list[tuple[str, float, float, float, float]]:
    """Per outcome: the means before and after (of the runs where it happened), and the p-values of
    Mann-Whitney's U and of KS."""
    from scipy.stats import ks_2samp, mannwhitneyu

    rows = []
    for name in before[0]:
        a = [row[name] for row in before]
        b = [row[name] for row in after]
        means = (_mean(a), _mean(b))
        never = max(v for v in a + b if not math.isnan(v)) + 1 if not all(math.isnan(v) for v in a + b) else 0.0
        a = [never if math.isnan(v) else v for v in a]
        b = [never if math.isnan(v) else v for v in b]
        if a == b or len(set(a + b)) == 1:
            rows.append((name, *means, 1.0, 1.0))
            continue
        rows.append((name, *means, float(mannwhitneyu(a, b).pvalue), float(ks_2samp(a, b).pvalue)))
    return rows


def _mean(values: list[float]) -> float:
    """The mean of the runs in which it happened (NaN if none did)."""
    happened = [v for v in values if not math.isnan(v)]
    return sum(happened) / len(happened) if happened else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", default=BEFORE, help="the git commit to compare with")
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, help="a JSON file keeping the before runs' summaries")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from sim.outcomes import HEADLINE

    seeds = list(range(1, args.seeds + 1))
    cached = json.loads(args.cache.read_text()) if args.cache and args.cache.exists() else {}
    if cached.get("before") == args.before and cached.get("seeds") == seeds:
        before = cached["summaries"]
    else:
        with tempfile.TemporaryDirectory() as folder:
            before = summaries(checked_out(args.before, Path(folder)), seeds, args.workers)
        if args.cache:
            args.cache.write_text(json.dumps({"before": args.before, "seeds": seeds, "summaries": before}))
    after = summaries(ROOT, seeds, args.workers)
    rows = compare(before, after)
    same = sum(json.dumps(x, sort_keys=True) == json.dumps(y, sort_keys=True)  # NaN equal to NaN
               for x, y in zip(before, after, strict=True))
    print(f"{len(seeds)} paired seeds of the baseline, {args.before} against the working tree; "
          f"{same} of them give every outcome identical\n")
    print("| outcome | mean before | mean after | Mann-Whitney p | KS p |\n|---|---|---|---|---|")
    for name, mean_a, mean_b, p_u, p_ks in rows:
        mark = "**" if name in HEADLINE else ""
        print(f"| {mark}{name}{mark} | {mean_a:,.3f} | {mean_b:,.3f} | {p_u:.3f} | {p_ks:.3f} |")
    low = [name for name, *_, p_u, p_ks in rows if min(p_u, p_ks) < ALPHA]
    headline_low = [name for name in low if name in HEADLINE]
    smallest = min((min(p_u, p_ks) for name, *_, p_u, p_ks in rows if name in HEADLINE), default=1.0)
    print(f"\nHeadline outcomes (bold): smallest p {smallest:.3f}; below {ALPHA}: {headline_low or 'none'}. "
          f"Other outcomes below {ALPHA}: {[n for n in low if n not in HEADLINE] or 'none'}.")
    raise SystemExit(1 if headline_low else 0)


if __name__ == "__main__":
    main()
