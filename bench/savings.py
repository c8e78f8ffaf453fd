"""Benchmark: Monte Carlo of a 10-year intervention appraisal, numpy against a plain Python loop.

    python bench/savings.py [--draws 100000] [--repeat 5]

Two models, each timed against a plain Python loop doing the same work in the same run; both
must give the same results and the script checks it:

* the cohort appraisal, :func:`xlfuncs.methods.cohort_uncertainty.simulate`: 100,000 draws of
  the edge-of-care service's 14 inputs (10 uncertain: triangular, uniform, PERT and truncated
  normal, four of them rank-correlated by Iman-Conover), each draw a 10-year cohort appraisal
  (cohorts over a length-of-stay profile stretched to the draw's mean stay, drop-off within
  each cohort, real unit-cost growth, Green Book discounting), its NPV and discounted payback.
  The numpy time includes the draws and the correlation; the loop is given the numpy run's
  draws and does only the appraisals, so the ratio understates numpy's lead. Target: under
  100 ms for 100,000 draws;
* the four-input single-period model, :func:`xlfuncs.methods.uncertainty.simulate` (four
  triangular inputs, 10 years of cost and benefit profiles), the loop on the same uniform
  numbers.

Prints the median wall-clock time of ``--repeat`` numpy runs and the least processor time of
one (on a machine shared with other work the wall-clock time also counts the waiting), the
loop's time and the ratio of wall-clock times.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np

from xlfuncs.methods import appraisal, cohort, uncertainty
from xlfuncs.methods import cohort_uncertainty as cu

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


NAN = float("nan")
#: The cohort appraisal's input table (code, low, central, high, sd): central values as the
#: intervention_cba template's Appraisal sheet, ranges illustrative as its Monte Carlo sheet.
COHORT_TABLE = np.array(
    [
        [3, 110, 135.5, 150, NAN],  # reach: triangular
        [3, 2000, 2285, 2800, NAN],  # cost per case
        [2, 0.05, 0.10, 0.25, NAN],  # optimism bias: uniform
        [4, 10, 21.7, 30, NAN],  # children prevented: PERT
        [3, 0.10, 0.20, 0.40, NAN],  # deadweight
        [3, 0.0, 0.10, 0.20, NAN],  # attribution
        [1, NAN, 0.0, NAN, NAN],  # displacement: fixed
        [4, 0.0, 0.05, 0.20, NAN],  # drop-off: PERT
        [5, 1.0, 2.6, 6.0, 0.5],  # mean stay: normal truncated at 1 and 6
        [5, NAN, 44_191.18, NAN, 5000],  # cashable a year of care: normal truncated at 0
        [3, 15_000, 26_535.69, 35_000, NAN],  # non-cashable
        [1, NAN, 0.0, NAN, NAN],  # economic: fixed
        [1, NAN, 0.0, NAN, NAN],  # social: fixed
        [2, -0.01, 0.0, 0.02, NAN],  # real unit-cost growth: uniform
    ]
)
RUNNING = [1.0] * 10
STAY_PROFILE = [0.31, 0.22, 0.15, 0.10, 0.07, 0.05, 0.03, 0.02, 0.02, 0.03]
CORRELATED = [4, 8, 10, 11]
TARGET = [[1, -0.3, 0, 0], [-0.3, 1, 0, 0], [0, 0, 1, 0.6], [0, 0, 0.6, 1]]


def cohort_numpy_run(draws: int) -> cu.CohortSimulation:
    return cu.simulate(
        COHORT_TABLE, RUNNING, RAMP, STAY_PROFILE, CORRELATED, TARGET, draws=draws, seed=SEED
    )


def cohort_python_run(inputs: list[list[float]]) -> tuple[list[float], list[float]]:
    """The cohort appraisal of each draw, one draw and one year at a time in plain Python."""
    years = len(RUNNING)
    factors = [1.0]
    for _ in range(1, years):
        factors.append(factors[-1] / 1.035)  # years 1-30 of the Green Book schedule
    survival = [1.0]
    for share in STAY_PROFILE:
        survival.append(max(survival[-1] - share, 0.0))
    survival[-1] = 0.0
    integral = [0.0]
    for k in range(len(STAY_PROFILE)):
        integral.append(integral[-1] + (survival[k] + survival[k + 1]) / 2)
    profile_mean = integral[-1]
    last = len(STAY_PROFILE)

    def area(y: float) -> float:  # integral of the survival curve (straight between year ends)
        if y >= last:
            return profile_mean
        j = int(y)
        u = y - j
        return integral[j] + u * (survival[j] - STAY_PROFILE[j] * u / 2)

    cohorts_base = [RUNNING[t] * RAMP[t] for t in range(years)]
    npvs, paybacks = [], []
    for row in inputs:
        (reach, cost, bias, prevented, deadweight, attribution, displacement, drop, stay,
         cashable, non_cashable, economic, social, growth) = row
        f = max(stay / profile_mean, 1e-12)
        occupancy = [f * (area((k + 1) / f) - area(k / f)) for k in range(years)]
        net_children = prevented * (1 - deadweight) * (1 - attribution) * (1 - displacement)
        value = (cashable + non_cashable + economic + social) * net_children
        total, cumulative, payback = 0.0, 0.0, NAN
        index = 1.0
        for tau in range(years):
            cared = 0.0
            keep = 1.0
            for k in range(tau + 1):
                cared += cohorts_base[tau - k] * occupancy[k] * keep
                keep *= 1 - drop
            benefit = cared * value * index
            index *= 1 + growth
            flow = (benefit - reach * cost * (1 + bias) * RUNNING[tau]) * factors[tau]
            before, cumulative = cumulative, cumulative + flow
            if payback != payback and cumulative > 0:  # NaN: not yet paid back
                payback = tau + (-before) / (cumulative - before)
            total += flow
        npvs.append(total)
        paybacks.append(payback)
    return npvs, paybacks


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


def median_time(run, draws: int, repeat: int):
    """Median wall-clock seconds of ``repeat`` runs, the least processor seconds of one run
    (which other work on a shared machine does not inflate), and the last result."""
    run(1000)  # warm-up: imports and first-call overheads are not the simulation
    times, processor, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = run(draws)
        times.append(time.perf_counter() - started)
        processor.append(time.process_time() - started_cpu)
    return statistics.median(times), min(processor), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of the numpy path; the median counts")
    args = parser.parse_args()

    cohort_seconds, cohort_best, sim = median_time(cohort_numpy_run, args.draws, args.repeat)
    started = time.perf_counter()
    npvs, paybacks = cohort_python_run(sim.inputs.tolist())
    cohort_loop = time.perf_counter() - started
    assert np.allclose(sim.npv, npvs, rtol=1e-9, atol=1e-6), "numpy and loop NPVs differ"
    assert np.allclose(sim.payback, paybacks, rtol=1e-9, atol=1e-9, equal_nan=True), "paybacks differ"
    columns = [j - 1 for j in CORRELATED]
    achieved = np.corrcoef(np.argsort(np.argsort(sim.inputs[:, columns], axis=0), axis=0), rowvar=False)
    gap = float(np.abs(achieved - np.array(TARGET)).max())
    print(f"Cohort appraisal: Monte Carlo, {args.draws:,} draws of a 10-year appraisal over all "
          f"{len(cohort.INPUTS)} inputs (NPV + discounted payback)")
    print(f"  numpy (xlfuncs.methods.cohort_uncertainty.simulate), median: {cohort_seconds * 1000:8.1f} ms"
          f"  (processor time {cohort_best * 1000:.1f} ms; target < 100 ms; draws and correlation included)")
    print(f"  plain Python loop, same draws, appraisal only:       {cohort_loop * 1000:8.1f} ms")
    print(f"  ratio loop / numpy:                                  {cohort_loop / cohort_seconds:8.1f}x")
    print(f"  median NPV £{np.median(sim.npv):,.0f}; pays back within 10 years in {sim.pays_back.mean():.1%} "
          f"of draws; largest gap between achieved and target rank correlation {gap:.4f}")

    numpy_seconds, numpy_best, four = median_time(numpy_run, args.draws, args.repeat)
    uniforms = np.random.Generator(np.random.PCG64(SEED)).random((args.draws, 4)).tolist()
    started = time.perf_counter()
    npvs4, paybacks4 = python_run(uniforms)
    loop_seconds = time.perf_counter() - started
    assert np.allclose(four.npv, npvs4, rtol=1e-9, atol=1e-6), "numpy and loop NPVs differ"
    assert np.array_equal(four.pays_back, paybacks4), "numpy and loop payback flags differ"
    years = np.arange(len(COST_PROFILE))
    assert np.allclose(appraisal.discount_factor(years), 1.035**-years), "loop discounting differs"

    print(f"Four-input model: Monte Carlo, {args.draws:,} draws of a 10-year appraisal (NPV + payback)")
    print(f"  numpy (xlfuncs.methods.uncertainty.simulate), median: {numpy_seconds * 1000:8.1f} ms"
          f"  (processor time {numpy_best * 1000:.1f} ms)")
    print(f"  plain Python loop, same draws:                  {loop_seconds * 1000:8.1f} ms")
    print(f"  ratio loop / numpy:                             {loop_seconds / numpy_seconds:8.1f}x")
    print(f"  median NPV £{np.median(four.npv):,.0f}; pays back in {four.pays_back.mean():.1%} of draws")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
