"""Write the SYNTHETIC local-authority panel ``samples/la_panel.csv`` (seeded, reproducible).

    python scripts/make_sample_panel.py [--out samples/la_panel.csv] [--check]

The 151 authorities' names, codes and regions are real (public); every number is made up.
The generator is calibrated so that the panel looks like the published figures the formulas
are meant to reproduce, not so that any council's figures are right:

* each region's authorities' average rates of children looked after per 10,000, 2012-17,
  have the minimum, maximum, mean and SD of Table 2 of the What Works Centre / CASCADE report
  (seed 004), and their average changes in the rate those of its Table 3;
* FY16/17 spend on children's services per head aged 0-25 spans £292 to £1,254, and the
  five-factor model explains 51% of its variation with IDACI alone explaining 31% (seed 000,
  LGA / Newton 2018);
* weekly unit costs of social work per child in need centre near LAIT's £108 (seed 004).

Rounding counts to whole children moves small authorities' rates slightly off the targets.
``--check`` regenerates in memory and fails if the committed file differs.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xlfuncs.data.dfe import AUTHORITIES, GEOGRAPHY_COLUMNS, REGIONS  # noqa: E402

SEED = 2018
YEARS = (2012, 2013, 2014, 2015, 2016, 2017)  # years ending 31 March (FY 2011-12 ... 2016-17)
OUT = ROOT / "samples" / "la_panel.csv"

# Table 2 of seed 004: region -> (minimum, maximum, mean, SD) of authorities' average rates.
TABLE_2 = {
    "Outer London": (22, 85, 45.6, 16.9),
    "South East": (21, 111, 53.6, 22.6),
    "East Midlands": (35, 90, 57.1, 19.1),
    "South West": (30, 119, 57.2, 21.9),
    "East of England": (36, 76, 57.6, 15.1),
    "Inner London": (35, 92, 62.2, 18.9),
    "Yorkshire and The Humber": (38, 119, 66.0, 19.4),
    "West Midlands": (47, 122, 79.0, 21.4),
    "North West": (49, 165, 85.6, 25.7),
    "North East": (60, 119, 87.7, 16.9),
}
# Table 3 of seed 004: region -> (minimum, maximum, mean, SD) of the average change in the rate.
TABLE_3 = {
    "Inner London": (-6, 1, -2.3, 2.1),
    "Outer London": (-4, 3, -0.7, 1.8),
    "South West": (-2, 5, 0.4, 1.9),
    "East of England": (-3, 4, 0.6, 2.3),
    "Yorkshire and The Humber": (-4, 8, 0.7, 3.0),
    "South East": (-2, 6, 0.9, 2.0),
    "East Midlands": (-2, 3, 1.2, 1.8),
    "West Midlands": (-1, 7, 1.9, 2.4),
    "North West": (-5, 10, 2.5, 3.2),
    "North East": (-3, 9, 2.8, 3.4),
}
SPEND_RANGE = (292.0, 1254.0)  # seed 000, FY16/17
R2_FULL, R2_IDACI = 0.51, 0.31  # seed 000: "just over 50%", IDACI alone 31%

# Rough resident populations (thousands, about 2017) to size the synthetic councils.
POPULATION_K = {
    "Hartlepool": 93, "Middlesbrough": 140, "Redcar and Cleveland": 136, "Stockton-on-Tees": 196,
    "Darlington": 106, "County Durham": 523, "Northumberland": 320, "Gateshead": 202,
    "Newcastle upon Tyne": 296, "North Tyneside": 203, "South Tyneside": 150, "Sunderland": 277,
    "Halton": 127, "Warrington": 209, "Blackburn with Darwen": 148, "Blackpool": 139,
    "Cheshire East": 378, "Cheshire West and Chester": 337, "Cumbria": 498, "Lancashire": 1200,
    "Bolton": 285, "Bury": 190, "Manchester": 545, "Oldham": 235, "Rochdale": 220, "Salford": 252,
    "Stockport": 291, "Tameside": 224, "Trafford": 236, "Wigan": 326, "Knowsley": 148,
    "Liverpool": 491, "St. Helens": 179, "Sefton": 275, "Wirral": 323,
    "Kingston upon Hull, City of": 260, "East Riding of Yorkshire": 338,
    "North East Lincolnshire": 159, "North Lincolnshire": 171, "York": 208,
    "North Yorkshire": 610, "Barnsley": 244, "Doncaster": 309, "Rotherham": 264,
    "Sheffield": 582, "Bradford": 535, "Calderdale": 210, "Kirklees": 437, "Leeds": 784,
    "Wakefield": 342, "Derby": 257, "Leicester": 354, "Rutland": 39, "Nottingham": 329,
    "Derbyshire": 793, "Leicestershire": 690, "Lincolnshire": 751, "Northamptonshire": 741,
    "Nottinghamshire": 818, "Herefordshire, County of": 191, "Telford and Wrekin": 176,
    "Stoke-on-Trent": 255, "Shropshire": 318, "Staffordshire": 870, "Warwickshire": 563,
    "Worcestershire": 588, "Birmingham": 1137, "Coventry": 360, "Dudley": 318, "Sandwell": 323,
    "Solihull": 214, "Walsall": 283, "Wolverhampton": 260, "Peterborough": 199, "Luton": 216,
    "Southend-on-Sea": 181, "Thurrock": 168, "Bedford": 170, "Central Bedfordshire": 283,
    "Cambridgeshire": 650, "Essex": 1470, "Hertfordshire": 1180, "Norfolk": 900, "Suffolk": 755,
    "City of London": 7.5, "Camden": 250, "Greenwich": 285, "Hackney": 275,
    "Hammersmith and Fulham": 183, "Islington": 235, "Kensington and Chelsea": 156,
    "Lambeth": 326, "Lewisham": 304, "Southwark": 317, "Tower Hamlets": 313, "Wandsworth": 326,
    "Westminster": 255, "Barking and Dagenham": 210, "Barnet": 390, "Bexley": 247,
    "Brent": 330, "Bromley": 330, "Croydon": 385, "Ealing": 342, "Enfield": 333,
    "Haringey": 270, "Harrow": 250, "Havering": 256, "Hillingdon": 304, "Hounslow": 271,
    "Kingston upon Thames": 176, "Merton": 206, "Newham": 350, "Redbridge": 303,
    "Richmond upon Thames": 196, "Sutton": 204, "Waltham Forest": 276, "Medway": 278,
    "Bracknell Forest": 121, "West Berkshire": 158, "Reading": 162, "Slough": 149,
    "Windsor and Maidenhead": 150, "Wokingham": 163, "Milton Keynes": 264,
    "Brighton and Hove": 289, "Portsmouth": 214, "Southampton": 252, "Isle of Wight": 141,
    "Buckinghamshire": 535, "East Sussex": 552, "Hampshire": 1370, "Kent": 1550,
    "Oxfordshire": 683, "Surrey": 1190, "West Sussex": 850,
    "Bath and North East Somerset": 188, "Bristol, City of": 455, "North Somerset": 212,
    "South Gloucestershire": 282, "Plymouth": 264, "Torbay": 135, "Bournemouth": 195,
    "Poole": 151, "Swindon": 220, "Cornwall": 562, "Wiltshire": 496, "Devon": 790,
    "Dorset": 424, "Gloucestershire": 628, "Somerset": 555,
}

# Region effect on the synthetic deprivation factor (higher = more deprived).
REGION_DEPRIVATION = {
    "North East": 0.9, "North West": 0.6, "Yorkshire and The Humber": 0.4,
    "East Midlands": 0.0, "West Midlands": 0.4, "East of England": -0.4,
    "Inner London": 0.8, "Outer London": 0.1, "South East": -0.7, "South West": -0.4,
}
TYPE_DEPRIVATION = {"E06": 0.1, "E08": 0.5, "E09": 0.2, "E10": -0.5}


def _standard(values: np.ndarray) -> np.ndarray:
    sd = values.std(ddof=1)
    return (values - values.mean()) / (sd if sd > 0 else 1.0)


def match_moments(z: np.ndarray, low: float, high: float, mean: float, sd: float) -> np.ndarray:
    """Values ordered as ``z`` with exactly this minimum, maximum, mean and sample SD."""
    n = z.size
    order = np.argsort(z, kind="stable")
    out = np.empty(n)
    out[order[0]], out[order[-1]] = low, high
    inner = order[1:-1]
    zi = _standard(z[inner]) if inner.size > 1 else np.zeros(inner.size)
    a = (n * mean - low - high) / (n - 2)
    rest = (n - 1) * sd**2 - (low - mean) ** 2 - (high - mean) ** 2 - (n - 2) * (a - mean) ** 2
    spread = float(np.sum(zi**2))
    b = math.sqrt(max(rest, 0.0) / spread) if spread > 0 else 0.0
    out[inner] = a + b * zi
    if np.any(out[inner] < low) or np.any(out[inner] > high):
        # Squeeze the interior into the bounds; moments then hold approximately.
        out[inner] = np.clip(out[inner], low + 0.5, high - 0.5)
    return out


def generate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    olds, codes, names, regions = (list(col) for col in zip(*AUTHORITIES, strict=True))
    n = len(codes)
    region = np.array(regions)
    kind = np.array([c[:3] for c in codes])

    # Deprivation factor: region and authority type, plus local noise.
    dep = np.array([REGION_DEPRIVATION[r] + TYPE_DEPRIVATION[k] for r, k in zip(regions, kind, strict=True)])
    dep = _standard(dep + rng.normal(0.0, 0.6, n))

    # Populations for 2017 and growth back to 2012.
    total = np.array([POPULATION_K[name] for name in names]) * 1000.0
    child_share = np.clip(0.212 + 0.012 * dep + rng.normal(0.0, 0.01, n), 0.17, 0.27)
    child_share[names.index("City of London")] = 0.12
    pop17 = total * child_share
    pop25_ratio = np.clip(1.44 + rng.normal(0.0, 0.05, n), 1.32, 1.60)
    growth = rng.normal(0.006, 0.004, n)
    years = np.array(YEARS, dtype=float)
    factor = (1.0 + growth[:, None]) ** (years[None, :] - 2017.0)
    pop0_17 = np.round(pop17[:, None] * factor)
    pop0_25 = np.round(pop17[:, None] * pop25_ratio[:, None] * factor)

    # Average LAC rate 2012-17 and its average change, region by region (Tables 2 and 3).
    average = np.empty(n)
    change = np.empty(n)
    for name in TABLE_2:
        members = np.flatnonzero(region == name)
        local = _standard(dep[members])
        z_rate = 0.75 * local + math.sqrt(1 - 0.75**2) * rng.normal(size=members.size)
        average[members] = match_moments(z_rate, *TABLE_2[name])
        z_change = 0.5 * _standard(z_rate) + math.sqrt(0.75) * rng.normal(size=members.size)
        change[members] = match_moments(z_change, *TABLE_3[name])
    # Rates by year: a straight line through the average with the given average change, plus
    # noise in the middle years that changes neither the mean nor the end points.
    wobble = rng.normal(0.0, 1.2, (n, len(YEARS)))
    wobble[:, [0, -1]] = 0.0
    wobble[:, 1:-1] -= wobble[:, 1:-1].mean(axis=1, keepdims=True)
    rates = average[:, None] + change[:, None] * (years[None, :] - years.mean()) + wobble
    if np.any(rates <= 5):
        raise RuntimeError("a synthetic rate fell to 5 or below; change the seed")
    cla = np.round(rates * pop0_17 / 10_000.0)

    # Children in need: about 330 per 10,000, higher where more children are in care.
    cin_rate = 330.0 * np.exp(0.22 * _standard(np.log(average)) + rng.normal(0.0, 0.12, n))
    cin_trend = 1.0 + rng.normal(0.0, 0.02, (n, len(YEARS))).cumsum(axis=1) * 0.5
    cin = np.round(cin_rate[:, None] * cin_trend * pop0_17 / 10_000.0)

    # The five drivers, FY16/17, then gentle drift back to 2012.
    london = np.isin(region, ["Inner London", "Outer London"])
    idaci = np.clip(0.17 + 0.055 * dep + rng.normal(0.0, 0.012, n), 0.05, 0.42)
    income = (
        19_500.0
        - 2_000.0 * dep
        + np.where(region == "Inner London", 9_000.0, 0.0)
        + np.where(region == "Outer London", 3_500.0, 0.0)
        + np.where(region == "South East", 2_000.0, 0.0)
        + rng.normal(0.0, 1_200.0, n)
    )
    for rich in ("Kensington and Chelsea", "Westminster"):
        income[names.index(rich)] += 9_000.0
    unemployment = np.clip(4.7 + 1.2 * dep + 0.4 * london + rng.normal(0.0, 0.6, n), 1.8, 11.0)
    crime = np.clip(
        62.0 + 11.0 * dep + 10.0 * (kind == "E08") + 18.0 * (kind == "E09")
        + rng.normal(0.0, 12.0, n), 25.0, 160.0,
    )
    crime[names.index("City of London")] = 150.0
    idaci, income = np.round(idaci, 3), np.round(income)
    unemployment, crime = np.round(unemployment, 1), np.round(crime, 1)
    drivers = np.column_stack([idaci, pop0_25[:, -1], income, unemployment, crime])

    # Spend per head aged 0-25, FY16/17: a linear signal in the drivers plus noise orthogonal
    # to them, scaled so the five-driver model explains R2_FULL and IDACI alone R2_IDACI.
    z = np.column_stack([_standard(col) for col in drivers.T])
    others = z[:, 1:] @ np.array([-0.35, 0.30, 0.10, 0.08])
    design = np.column_stack([np.ones(n), z])
    noise = rng.standard_t(3, size=n) + 0.6 * _standard(np.log(average))
    noise -= design @ np.linalg.lstsq(design, noise, rcond=None)[0]
    noise = _standard(noise)

    def spend_for(a: float) -> np.ndarray:
        signal = a * z[:, 0] + others
        scale = math.sqrt(signal.var(ddof=1) * (1.0 - R2_FULL) / R2_FULL)
        return signal + scale * noise

    def idaci_gap(a: float) -> float:
        y = spend_for(a)
        return float(np.corrcoef(y, z[:, 0])[0, 1] ** 2) - R2_IDACI

    a = optimize.brentq(idaci_gap, 0.05, 5.0, xtol=1e-12)
    raw = spend_for(a)
    low, high = SPEND_RANGE
    per_head17 = low + (raw - raw.min()) / (raw.max() - raw.min()) * (high - low)
    # Earlier years: about 2% a year less in cash, with a little council-level noise.
    drift = (1.0 + rng.normal(0.02, 0.01, n))[:, None] ** (years[None, :] - 2017.0)
    per_head = per_head17[:, None] * drift * (1.0 + rng.normal(0.0, 0.015, (n, len(YEARS))))
    per_head[:, -1] = per_head17
    total_spend = per_head * pop0_25

    # Spend lines: outside looked-after and safeguarding about 30% (22% to 56%), seed 000.
    outside = np.clip(0.22 + 0.34 * rng.beta(1.3, 3.6, n), 0.22, 0.56)
    lac_part = np.clip(0.61 + 0.05 * _standard(np.log(average)) + rng.normal(0.0, 0.03, n), 0.45, 0.75)
    parts = rng.dirichlet([8.0, 30.0, 35.0, 17.0, 10.0], n)  # commissioning, family, early, young, other
    looked_after = np.round(total_spend * ((1 - outside) * lac_part)[:, None])
    safeguarding = np.round(total_spend * ((1 - outside) * (1 - lac_part))[:, None])
    social_work = np.round(safeguarding * 0.62)
    outside_lines = [np.round(total_spend * (outside * parts[:, j])[:, None]) for j in range(5)]
    spend_total = looked_after + safeguarding + sum(outside_lines)

    region_code = [REGIONS[r] for r in regions]
    rows = []
    for i in range(n):
        for t, year in enumerate(YEARS):
            rows.append(
                {
                    "time_period": f"{year - 1}{str(year)[2:]}",
                    "time_identifier": "Financial year",
                    "geographic_level": "Local authority",
                    "country_code": "E92000001",
                    "country_name": "England",
                    "region_code": region_code[i],
                    "region_name": regions[i],
                    "old_la_code": olds[i],
                    "new_la_code": codes[i],
                    "la_name": names[i],
                    "population_0_17": pop0_17[i, t],
                    "population_0_25": pop0_25[i, t],
                    "cla_at_31_march": cla[i, t],
                    "cin_at_31_march": cin[i, t],
                    "spend_looked_after": looked_after[i, t],
                    "spend_safeguarding": safeguarding[i, t],
                    "spend_social_work": social_work[i, t],
                    "spend_commissioning_strategy": outside_lines[0][i, t],
                    "spend_family_support": outside_lines[1][i, t],
                    "spend_early_help": outside_lines[2][i, t],
                    "spend_young_people": outside_lines[3][i, t],
                    "spend_other": outside_lines[4][i, t],
                    "spend_total": spend_total[i, t],
                    "idaci_average_score": idaci[i],
                    "gdhi_per_head": round(income[i] * 1.025 ** (year - 2017)),
                    "unemployment_rate": round(
                        unemployment[i] * (1.0 + 0.09 * (2017 - year)), 1
                    ),
                    "crime_rate_per_1000": round(crime[i] * (1.0 - 0.02 * (2017 - year)), 1),
                }
            )
    frame = pd.DataFrame(rows)
    counts = [c for c in frame.columns if c.startswith(("population", "cla", "cin", "spend"))]
    frame[counts] = frame[counts].astype("int64")
    return _with_aggregates(frame)


def _with_aggregates(la: pd.DataFrame) -> pd.DataFrame:
    """National and regional rows as DfE files carry them: sums, and weighted means."""
    sums = [c for c in la.columns if c.startswith(("population", "cla", "cin", "spend"))]
    means = ["idaci_average_score", "gdhi_per_head", "unemployment_rate", "crime_rate_per_1000"]
    rounding = {"idaci_average_score": 3, "gdhi_per_head": 0, "unemployment_rate": 1,
                "crime_rate_per_1000": 1}
    out = []
    for period, group in la.groupby("time_period", sort=True):
        def aggregate(
            rows: pd.DataFrame, level: str, code: str, name: str, period: str = period
        ) -> dict:
            record = {c: "" for c in la.columns}
            record.update(time_period=period, time_identifier="Financial year",
                          geographic_level=level, country_code="E92000001",
                          country_name="England")
            if level == "Regional":
                record.update(region_code=code, region_name=name)
            for column in sums:
                record[column] = int(rows[column].sum())
            weight = rows["population_0_25"].to_numpy(dtype=float)
            for column in means:
                value = float(np.average(rows[column].to_numpy(dtype=float), weights=weight))
                record[column] = round(value, rounding[column]) if rounding[column] else round(value)
            return record

        out.append(aggregate(group, "National", "", ""))
        for name, code in REGIONS.items():
            out.append(aggregate(group[group["region_name"] == name], "Regional", code, name))
        out.extend(group.to_dict("records"))
    frame = pd.DataFrame(out, columns=la.columns)
    assert list(frame.columns[: len(GEOGRAPHY_COLUMNS)]) == list(GEOGRAPHY_COLUMNS)
    return frame


def to_csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="fail if the file differs")
    args = parser.parse_args(argv)
    text = to_csv_text(generate())
    if args.check:
        if not args.out.exists() or args.out.read_text() != text:
            print(f"{args.out} differs from the generator's output", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
