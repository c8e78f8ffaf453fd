"""``xlfuncs forecast-903 DIR``: the stock-flow forecast of looked-after children from SSDA903.

Reads ``DIR/<YYYY>/header.csv``, ``episodes.csv`` (and ``uasc.csv`` where there is one) as
DfE's guide defines the return (``--sample``: the bundled synthetic sample return instead of
DIR), estimates the model over a reference period, projects it day by day and writes the month-end forecast (date, age_band, placement, count, lower, upper,
uasc) with a band of two standard deviations: one row per age band and DfE placement
category, UASC and other children added together, ``uasc`` saying how many of the count are
UASC. ``--compatible cs-demand-model`` follows Social Finance's demand model's conventions
instead (its four placement categories, no UASC stream: ``uasc`` is blank; see
:mod:`xlfuncs.methods.stock_flow.model`).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

NAME = "forecast-903"
HELP = "Forecast looked-after children by age and placement from SSDA903 episodes (stock-flow)."


def add_arguments(parser) -> None:
    parser.add_argument("directory", type=Path, metavar="DIR", nargs="?",
                        help="folder with <YYYY>/header.csv and <YYYY>/episodes.csv per collection year")
    parser.add_argument("--sample", action="store_true",
                        help="forecast from the bundled synthetic SSDA903 sample instead of DIR")
    parser.add_argument("--reference-start", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help="first day of the reference period (default: 1 April of the last year)")
    parser.add_argument("--reference-end", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help="last day of the reference period (default: 31 March of the last year)")
    parser.add_argument("--months", type=int, default=24, help="month ends to forecast (default 24)")
    parser.add_argument("--out", type=Path, required=True, help="forecast CSV to write")
    parser.add_argument("--compatible", choices=["cs-demand-model"], default=None,
                        help="follow cs-demand-model 0.5.1's conventions (see the docs)")
    parser.add_argument("--strict", action="store_true",
                        help="fail on the first bad row instead of leaving it out and reporting it")
    parser.add_argument("--sds", type=float, default=2.0,
                        help="half-width of the band in standard deviations (default 2)")
    parser.add_argument("--map", action="extend", nargs="+", default=[], metavar="CODE=GROUP",
                        help="group a placement code differently: fostering, secure_homes, "
                             "residential_schools, with_parents, adoption or other "
                             "(with --compatible: fostering, residential, supported, other)")
    parser.add_argument("--short-breaks", choices=["exclude", "include"], default=None,
                        help="leave out (default) or keep episodes of an agreed series of "
                             "short breaks, LS V3/V4 (with --compatible: kept, as the peer does)")
    parser.add_argument("--scale-rate", nargs=3, action="append", default=[],
                        metavar=("FROM", "TO", "FACTOR"),
                        help="multiply daily transition rates; states are BAND:PLACEMENT or "
                             "STREAM:BAND:PLACEMENT (stream uasc or non-uasc; any part may be "
                             "'all'), TO may be 'out' (leaving care)")
    parser.add_argument("--add-rate", nargs=3, action="append", default=[],
                        metavar=("FROM", "TO", "DAILY"), help="add to daily transition rates")
    parser.add_argument("--scale-entrants", nargs=2, action="append", default=[],
                        metavar=("STATE", "FACTOR"), help="multiply daily entrants")
    parser.add_argument("--add-entrants", nargs=2, action="append", default=[],
                        metavar=("STATE", "DAILY"), help="add children per day to entrants")
    parser.add_argument("--weekly-cost", action="extend", nargs="+", default=[], metavar="KEY=POUNDS",
                        help="weekly cost of a placement group (fostering=650), a budget line "
                             "for --drivers-view budget (agency_fostering=900) or a code (U4=850)")
    parser.add_argument("--inflation", type=float, default=0.0,
                        help="annual rise in placement costs, e.g. 0.03 (default 0)")
    parser.add_argument("--costs-out", type=Path, help="write projected monthly costs (CSV)")
    parser.add_argument("--drivers-out", type=Path,
                        help="write key cost drivers per collection year and reference period (CSV)")
    parser.add_argument("--drivers-view", choices=["dfe", "budget"], default="dfe",
                        help="group the cost drivers by DfE's placement categories (default) or "
                             "by budget line (in-house and agency fostering, residential, "
                             "supported accommodation, secure, other)")
    parser.add_argument("--template", type=Path, metavar="OUT.xlsx",
                        help="write the estimated ranges into a copy of the stock_flow template")
    parser.add_argument("--backtest", type=Path, metavar="OUT.csv",
                        help="back-test every method: re-estimated at each of the last "
                             "--backtest-months month ends, its forecasts of the months since "
                             "scored (MAPE, share inside the band) by placement group and horizon")
    parser.add_argument("--backtest-months", type=int, default=24,
                        help="month ends the back-test forecasts from (default 24)")
    parser.add_argument("--backtest-detail", type=Path, metavar="OUT.csv",
                        help="write every back-test forecast against what happened")




def safe_text(value) -> object:
    """A cell for CSV: numbers stay numbers; text that a spreadsheet would read as a formula
    gets a leading apostrophe.

    >>> safe_text("=HYPERLINK(1)"), safe_text("16-18+"), safe_text(3.5)
    ("'=HYPERLINK(1)", '16-18+', 3.5)
    """
    from xlfuncs.xlsx.csv_safety import safe_csv_cell

    return safe_csv_cell(value)


def _number(value) -> str | float:
    if value is None:
        return ""
    return float(f"{value:.10g}")


def _pairs(items: list[str], option: str) -> dict[str, str]:
    from xlfuncs.cli import UserError

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(f"{option} {item!r}: write KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def _float(text: str, option: str) -> float:
    from xlfuncs.cli import UserError

    try:
        value = float(text)
    except ValueError:
        raise UserError(f"{option}: {text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise UserError(f"{option}: {text!r} is not a finite number")
    return value


def _targets(space, text: str, option: str) -> list[int]:
    if text.strip().lower() == "out":
        return [space.n]
    return space.parse(text, option)


def _source(directory: Path | None, sample: bool) -> Path:
    """The SSDA903 folder to read: DIR, or the bundled sample with ``--sample`` (not both)."""
    from xlfuncs.cli import UserError

    if sample and directory is not None:
        raise UserError("give DIR or --sample, not both")
    if sample:
        from xlfuncs.resources import samples_dir

        return samples_dir() / "ssda903"
    if directory is None:
        raise UserError("give the SSDA903 folder DIR (or --sample for the bundled synthetic one)")
    return directory


def _write_csv(path: Path, header: list[str], rows) -> int:
    """Write a guarded CSV atomically; returns the number of data rows."""
    from xlfuncs.xlsx.csv_safety import write_safe_csv

    rows = list(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_safe_csv(rows, path, header)
    return len(rows)


def _costs_for(costs: dict[str, float], names: tuple[str, ...]) -> dict[str, float]:
    """The weekly costs that apply to a grouping: its own groups' and the codes' (a cost of
    another view's group, such as agency_fostering for DfE's categories, does not)."""
    from xlfuncs.methods.stock_flow.placements import VIEWS, groups
    from xlfuncs.methods.stock_flow.states import PEER_PLACEMENTS

    others = {g for v in VIEWS for g in groups(v)} | set(PEER_PLACEMENTS)
    return {k: v for k, v in costs.items() if k.lower() in names or k.lower() not in others}


def run(args) -> int:
    from tqdm import tqdm

    from xlfuncs.cli import UserError
    from xlfuncs.data.ssda903 import read_ssda903
    from xlfuncs.methods.stock_flow.costs import (
        cost_drivers,
        parse_costs,
        projected_costs,
        state_weekly_costs,
    )
    from xlfuncs.methods.stock_flow.forecast import forecast
    from xlfuncs.methods.stock_flow.model import adjust, estimate
    from xlfuncs.methods.stock_flow.placements import groups
    from xlfuncs.methods.stock_flow.states import space_for

    directory = _source(args.directory, args.sample)
    conventions = args.compatible or "xlfuncs"
    space = space_for(conventions)
    placement_map = _pairs(args.map, "--map")
    costs = {k: _float(v, "--weekly-cost") for k, v in _pairs(args.weekly_cost, "--weekly-cost").items()}
    by_category, _ = parse_costs(_costs_for(costs, space.placements), space.placements)
    if args.costs_out and not by_category:
        raise UserError("--costs-out needs --weekly-cost for at least one placement category")
    if not 1 <= args.months <= 1200:
        raise UserError("--months must be between 1 and 1,200")

    scenario = (
        [("rate", "multiply", space.parse(a, "--scale-rate"), _float(v, "--scale-rate"),
          _targets(space, b, "--scale-rate")) for a, b, v in args.scale_rate]
        + [("rate", "add", space.parse(a, "--add-rate"), _float(v, "--add-rate"),
            _targets(space, b, "--add-rate")) for a, b, v in args.add_rate]
        + [("entrants", "multiply", space.parse(a, "--scale-entrants"),
            _float(v, "--scale-entrants"), None) for a, v in args.scale_entrants]
        + [("entrants", "add", space.parse(a, "--add-entrants"), _float(v, "--add-entrants"), None)
           for a, v in args.add_entrants]
    )
    steps = ["read", "estimate", "project", "write"]
    bar = tqdm(total=len(steps), desc="forecast-903", unit="step", file=sys.stderr,
               disable=None, leave=False)
    bar.set_postfix_str("reading SSDA903 files")
    table = read_ssda903(directory, conventions=conventions, strict=args.strict,
                         short_breaks=args.short_breaks)
    bar.update()

    last_year = table.years[-1]
    reference_start = args.reference_start or dt.date(last_year - 1, 4, 1)
    reference_end = args.reference_end or dt.date(last_year, 3, 31)
    bar.set_postfix_str("estimating")
    model = estimate(table, reference_start, reference_end, placement_map)
    for kind, operation, source, value, target in scenario:
        model = adjust(model, kind, operation, source, value, target)
    bar.update()
    bar.set_postfix_str(f"projecting {args.months} months day by day")
    result = forecast(model, args.months, sds=args.sds)
    bar.update()
    bar.set_postfix_str("writing")
    rows = ((d.isoformat(), band, placement, _number(c), _number(lo), _number(hi), _number(uasc))
            for d, band, placement, c, lo, hi, uasc in result.rows())
    written = _write_csv(args.out, ["date", "age_band", "placement", "count", "lower", "upper",
                                    "uasc"], rows)
    if args.costs_out:
        weekly = state_weekly_costs(by_category, space)
        cost_rows = ((d.isoformat(), p, _number(children), _number(cost))
                     for d, p, children, cost in projected_costs(result, weekly, args.inflation))
        _write_csv(args.costs_out, ["date", "placement", "average_children", "cost"], cost_rows)
    if args.drivers_out:
        periods = [(dt.date(y - 1, 4, 1), dt.date(y, 3, 31)) for y in table.years]
        periods.append((model.reference_start, model.reference_end))
        drivers = []
        for lo, hi in periods:
            view = args.drivers_view
            names = space.placements if view == "dfe" else groups(view)
            d = cost_drivers(table, lo, hi, _costs_for(costs, names),
                             placement_map if view == "dfe" else None, view)
            for row in d.rows:
                drivers.append((lo.isoformat(), hi.isoformat(), row["placement"],
                                _number(row["weeks_of_care"]), row["children"],
                                row["placements_ended"], _number(row["average_stay_days"]),
                                _number(row["average_weekly_cost"]), _number(row["cost"])))
        _write_csv(args.drivers_out, ["period_start", "period_end", "placement", "weeks_of_care",
                                      "children", "placements_ended", "average_stay_days",
                                      "average_weekly_cost", "cost"], drivers)
    backtest = None
    if args.backtest or args.backtest_detail or args.template:
        from xlfuncs.cli.backtest_903 import run_backtest, write_backtest

        bar.set_postfix_str("back-testing")
        backtest = run_backtest(directory, table, args, placement_map)
        write_backtest(backtest, args.backtest, args.backtest_detail, _write_csv)
    if args.template:
        from xlfuncs.templates.stock_flow import fill_template

        fill_template(args.template, model, by_category or None, args.inflation, args.months,
                      backtest)
    bar.update()
    bar.close()

    # What was read, once everything has worked (a failure is one line of its own).
    report = table.report
    if report.problems or report.short_break_episodes:
        dropped = report.rows_dropped
        print(f"xlfuncs forecast-903: {report.episode_rows:,} episode rows read, {dropped:,} left "
              f"out or set aside as invalid" + ("; problems found:" if report.problems else ""),
              file=sys.stderr)
        for line in report.summary():
            print(f"  {line}", file=sys.stderr)
        for line in report.counts():
            print(f"  {line}", file=sys.stderr)
    band_lo = max(0.0, result.total[-1] - args.sds * result.total_sd[-1])
    band_hi = result.total[-1] + args.sds * result.total_sd[-1]
    pairs = len(space.bands) * len(space.placements)
    print(f"{args.out}: {written} rows ({len(result.dates)} month ends x {pairs} age bands and "
          f"placements), "
          f"{'cs-demand-model' if args.compatible else 'xlfuncs'} conventions, reference "
          f"{model.reference_start} to {model.reference_end}")
    print(f"  children in care {model.total_stock():,.0f} on {model.start}"
          f" -> {result.total[-1]:,.1f} on {result.dates[-1]} (total +/-{args.sds:g} sd: "
          f"{band_lo:,.1f} to {band_hi:,.1f})")
    if "uasc" in space.streams:
        uasc = [i for i, (stream, _, _) in enumerate(space.labels) if stream == "uasc"]
        print(f"  of whom UASC {model.stock[uasc].sum():,.0f} -> {result.counts[-1, uasc].sum():,.1f}"
              f" (UASC entrants {model.entrants[uasc].sum() * 365:,.1f} a year)")
    if backtest is not None:
        from xlfuncs.cli.backtest_903 import summary_lines

        for line in summary_lines(backtest):
            print(line)
    for path, what in ((args.costs_out, "projected costs"), (args.drivers_out, "cost drivers"),
                       (args.backtest, "back-test scores"), (args.backtest_detail,
                                                              "back-test forecasts and actuals"),
                       (args.template, "template with the estimated ranges")):
        if path:
            print(f"  {path}: {what}")
    return 0
