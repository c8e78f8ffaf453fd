"""Benchmark: Monte Carlo of a 10-year intervention appraisal, numpy against a plain Python loop.

    python bench/savings.py [--draws 100000] [--repeat 5]

Times :func:`xlfuncs.methods.uncertainty.simulate` on 100,000 draws of the edge-of-care appraisal (four
triangular inputs, 10 years of cost and benefit profiles, Green Book discounting, NPV and
whether each draw pays back), and a plain Python loop doing the same work on the same uniform
numbers in the same run. Both must give the same NPVs and payback flags; the script checks it.
Target: the numpy path under 100 ms for 100,000 draws. Prints the ratio loop / numpy.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np

from xlfuncs.methods import appraisal, uncertainty

#: Edge-of-care ranges (most likely = Thurrock 2017; low and high illustrative) and a 10-year
#: profile: ramp-up, 5% drop-off a year, 28% off for deadweight and attribution, 10% optimism bias.
RANGES = {
    "reach": (110.0, 135.5, 150.0),
    "cost_per_case": (2000.0, 2285.0, 2800.0),
    "cases_prevented": (10.0, 21.7, 30.0),
    "saving_per_prevented_case": (50_000.0, 1_534_771 / 21.7, 85_000.0),
}
RAMP = [0.25, 0.75] + [1.0] * 8
COST_PROFILE = [1.1] * 10
BENEFIT_PROFILE = [RAMP[t] * 0.95**t * 0.72 for t in range(10)]
SEED = 2017


def numpy_run(draws: int) -> uncertainty.Simulation:
    return uncertainty.simulate(
        *RANGES.values(), COST_PROFILE, BENEFIT_PROFILE, draws=draws, seed=SEED
    )


def python_run(uniforms: list[list[float]]) -> tuple[list[float], list[bool]]:
    """The same model, one draw and one year at a time in plain Python."""
    factors = [1.0]
    for _ in range(1, len(COST_PROFILE)):
        factors.append(factors[-1] / 1.035)  # years 1-30 of the Green Book schedule
    ranges = list(RANGES.values())

    def triangular(u: float, low: float, mode: float, high: float) -> float:
        width = high - low
        if u < (mode - low) / width:
            return low + math.sqrt(u * width * (mode - low))
        return high - math.sqrt((1.0 - u) * width * (high - mode))

    npvs, paybacks = [], []
    for row in uniforms:
        reach, cost, cases, saving = (triangular(u, *r) for u, r in zip(row, ranges, strict=True))
        annual_cost, annual_gross = reach * cost, cases * saving
        total, paid_back = 0.0, False
        for year, factor in enumerate(factors):
            total += (annual_gross * BENEFIT_PROFILE[year] - annual_cost * COST_PROFILE[year]) * factor
            if total > 0:
                paid_back = True
        npvs.append(total)
        paybacks.append(paid_back)
    return npvs, paybacks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the numpy path; the median counts")
    args = parser.parse_args()

    numpy_run(1000)  # warm-up: imports and first-call overheads are not the simulation
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        sim = numpy_run(args.draws)
        times.append(time.perf_counter() - started)
    numpy_seconds = statistics.median(times)

    uniforms = np.random.Generator(np.random.PCG64(SEED)).random((args.draws, 4)).tolist()
    started = time.perf_counter()
    npvs, paybacks = python_run(uniforms)
    loop_seconds = time.perf_counter() - started

    assert np.allclose(sim.npv, npvs, rtol=1e-9, atol=1e-6), "numpy and loop NPVs differ"
    assert np.array_equal(sim.pays_back, paybacks), "numpy and loop payback flags differ"
    years = np.arange(len(COST_PROFILE))
    assert np.allclose(appraisal.discount_factor(years), 1.035**-years), "loop discounting differs"

    print(f"Monte Carlo, {args.draws:,} draws of a 10-year appraisal (NPV + payback)")
    print(f"  numpy (xlfuncs.methods.uncertainty.simulate): {numpy_seconds * 1000:8.1f} ms  (target < 100 ms)")
    print(f"  plain Python loop, same draws:        {loop_seconds * 1000:8.1f} ms")
    print(f"  ratio loop / numpy:                   {loop_seconds / numpy_seconds:8.1f}x")
    print(f"  median NPV £{np.median(sim.npv):,.0f}; pays back in {sim.pays_back.mean():.1%} of draws")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
