"""``xlfuncs budget-903 DIR --as-at DATE --costs COSTS.csv``: the month-end forecast outturn.

Reads the SSDA903 return under ``DIR`` as it stood at the end of the as-at date (nothing
recorded later is read: the same report whatever the return holds after it), prices every
placement with the council's weekly costs and writes one row per budget line and a ``Total``:
children now, actual to date (1 April to the as-at date), committed (the placements open today
continued to 31 March), projected (the stock-flow model's exits, entrants and moves to 31 March,
with its band), forecast outturn, budget and variance, each row naming the as-at date, the
reference window and the costs file with its SHA-256. Optional outputs: sufficiency against a
capacity table (``--sufficiency``), the high-cost tail (``--high-cost``), the outturn back-test
(``--backtest``) and the ``budget_monitoring.xlsx`` template with the aggregated figures
(``--template``). See :mod:`xlfuncs.methods.budget`.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

NAME = "budget-903"
HELP = "Month-end forecast outturn of the placement budget by line, from the SSDA903 return."

#: Weekly costs of the high-cost tail reported by default.
THRESHOLDS = (5000.0, 10000.0)

REPORT_COLUMNS = [
    "line", "label", "children_now", "weekly_cost_now", "care_days_to_date", "actual_to_date",
    "committed_days", "committed", "projected", "projected_lower", "projected_upper",
    "forecast_outturn", "forecast_lower", "forecast_upper", "budget", "variance", "as_at",
    "year_start", "year_end", "reference_start", "reference_end", "costs_file", "costs_sha256",
    "lines_file", "lines_sha256",
]


def add_arguments(parser) -> None:
    parser.add_argument("directory", type=Path, metavar="DIR", nargs="?",
                        help="folder with <YYYY>/header.csv and <YYYY>/episodes.csv per collection year")
    parser.add_argument("--sample", action="store_true",
                        help="use the bundled synthetic SSDA903 sample instead of DIR, with its "
                             "price list, budget and capacity unless given")
    parser.add_argument("--as-at", type=dt.date.fromisoformat, required=True, metavar="YYYY-MM-DD",
                        help="the as-at date: the report uses what the return held at its end")
    parser.add_argument("--costs", type=Path, metavar="COSTS.csv",
                        help="weekly costs: placement (code, line, DfE category or default), "
                             "provider (blank for any), weekly_cost, optionally child")
    parser.add_argument("--budget", type=Path, metavar="BUDGET.csv", help="line,budget")
    parser.add_argument("--lines", type=Path, metavar="LINES.csv",
                        help="charge placements to other lines: placement,provider,line[,label]")
    parser.add_argument("--out", type=Path, required=True, metavar="REPORT.csv",
                        help="the report to write")
    parser.add_argument("--template", type=Path, metavar="OUT.xlsx",
                        help="write the aggregated figures into a copy of budget_monitoring.xlsx")
    parser.add_argument("--reference-start", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help="first day of the model's reference window (default: 12 months "
                             "before the as-at date)")
    parser.add_argument("--sds", type=float, default=2.0,
                        help="half-width of the bands in standard deviations (default 2)")
    parser.add_argument("--capacity", type=Path, metavar="CAPACITY.csv",
                        help="places held: line,age_band (blank for all ages),places[,source]")
    parser.add_argument("--sufficiency", type=Path, metavar="OUT.csv",
                        help="write placements needed by line and age band at each month end, "
                             "against capacity")
    parser.add_argument("--months", type=int, default=24,
                        help="month ends of the sufficiency projection (default 24)")
    parser.add_argument("--high-cost", type=Path, metavar="OUT.csv",
                        help="write the high-cost tail: placements at or above each threshold")
    parser.add_argument("--thresholds", type=float, nargs="+", default=list(THRESHOLDS),
                        metavar="POUNDS", help="weekly costs of the high-cost tail (default 5000 10000)")
    parser.add_argument("--backtest", type=Path, metavar="OUT.csv",
                        help="write the outturn back-test: each past month end's forecast outturn "
                             "and actual plus committed against the year's outturn")
    parser.add_argument("--backtest-months", type=int, default=24,
                        help="month ends of the back-test (default 24)")
    parser.add_argument("--strict", action="store_true",
                        help="fail on the first bad row of the return instead of reporting it")


def _money(value) -> float | str:
    return "" if value is None else round(float(value), 2)


def _count(value) -> float | str:
    return "" if value is None else float(f"{float(value):.10g}")


#: Warnings of the run, printed once everything has worked (a failure is one line of its own).
_WARNINGS: list[str] = []


def _warn(message: str) -> None:
    _WARNINGS.append(message)


def _write_csv(path: Path, header: list[str], rows) -> int:
    from xlfuncs.xlsx.csv_safety import write_safe_csv

    rows = list(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_safe_csv(rows, path, header)
    return len(rows)


def _directory(args) -> Path:
    from xlfuncs.cli import UserError

    if args.sample and args.directory is not None:
        raise UserError("give DIR or --sample, not both")
    if args.sample:
        from xlfuncs.resources import samples_dir

        return samples_dir() / "ssda903"
    if args.directory is None:
        raise UserError("give the SSDA903 folder DIR (or --sample for the bundled synthetic one)")
    return args.directory


def _sample_files(args) -> None:
    """With ``--sample``, the bundled price list, budget and capacity where none is given (the
    budget and capacity are by the default lines, so not with a ``--lines`` file)."""
    from xlfuncs.cli import UserError

    if args.sample:
        from xlfuncs.resources import samples_dir

        samples = samples_dir()
        args.costs = args.costs or samples / "budget_costs.csv"
        if args.lines is None:
            args.budget = args.budget or samples / "budget.csv"
            args.capacity = args.capacity or samples / "budget_capacity.csv"
    if args.costs is None:
        raise UserError("give the weekly costs: --costs COSTS.csv (placement,provider,weekly_cost)")


def _file_failure(path: Path, exc) -> Exception:
    from xlfuncs.cli import UserError

    return UserError(f"{path}: {exc.detail if hasattr(exc, 'detail') else exc}")


def load_lines(path: Path | None):
    """The line map: the default lines, or the council's mapping file."""
    from xlfuncs.data.budget_files import read_lines
    from xlfuncs.methods.budget.lines import LineMap, line_map
    from xlfuncs.methods.errors import InputError

    if path is None:
        return LineMap()
    rules, labels = read_lines(path)
    try:
        return line_map(rules, labels)
    except InputError as exc:
        raise _file_failure(path, exc) from None


def load_prices(path: Path, lines):
    from xlfuncs.data.budget_files import read_costs
    from xlfuncs.methods.budget.prices import price_list
    from xlfuncs.methods.errors import InputError

    try:
        return price_list(read_costs(path), lines)
    except InputError as exc:
        if type(exc).__name__ == "BudgetFileError":
            raise
        raise _file_failure(path, exc) from None


def check_prices(table, as_at: dt.date, lines, prices, costs: Path, since: dt.date) -> None:
    """Every placement in care from ``since`` to ``as_at`` priced: exit 2 naming the codes no
    row prices, or a warning naming those only the ``default`` row prices."""
    from dataclasses import replace

    from xlfuncs.cli import UserError
    from xlfuncs.methods.budget.outturn import missing_prices, priced_episodes
    from xlfuncs.methods.budget.prices import DEFAULT

    priced = priced_episodes(table, as_at, lines, prices)
    missing = missing_prices(priced, since, as_at)
    if missing:
        raise UserError(f"{costs}: no weekly cost for placements in the return: {missing} (add a "
                        f"row for each, or a row with placement {DEFAULT} to price the rest)")
    default = prices.default
    if default is None:
        return
    general = replace(prices, rows=tuple(r for r in prices.rows if r.placement != DEFAULT))
    by_default = missing_prices(priced_episodes(table, as_at, lines, general), since, as_at)
    if by_default:
        _warn(f"{costs.name}: priced by the {DEFAULT} row (£{default:,.2f} a week): {by_default}")


def check_budget(path: Path, budget: dict[str, float], report) -> None:
    from xlfuncs.cli import UserError

    names = report.lines.names
    unknown = [name for name in budget if name not in names]
    if unknown:
        raise UserError(f"{path}: budget line{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(unknown)} match{'' if len(unknown) > 1 else 'es'} no "
                        f"placements: the lines are {', '.join(names)}")
    missing = [name for name in names if name not in budget]
    if missing:
        _warn(f"{path.name}: no budget for {', '.join(missing)} (variance left blank)")
    for k, name in enumerate(names):
        if budget.get(name) and not report.days_to_date[k] and not report.children_now[k]:
            _warn(f"{name}: a budget of £{budget[name]:,.0f} but no placements in the year to date")


def report_rows(report, budget: dict[str, float] | None, provenance: dict[str, str]):
    """The REPORT.csv rows: one per line and a Total."""
    lower, upper = report.band()
    t_lower, t_upper = report.total_band()
    half = report.sds * report.projected_sd
    tail = [report.as_at.isoformat(), report.year_start.isoformat(), report.year_end.isoformat(),
            report.reference_start.isoformat(), report.reference_end.isoformat(),
            provenance["costs_file"], provenance["costs_sha256"], provenance["lines_file"],
            provenance["lines_sha256"]]
    for k, name in enumerate(report.lines.names):
        line_budget = None if budget is None else budget.get(name)
        outturn = report.outturn[k]
        yield [name, report.lines.label(name), _count(report.children_now[k]),
               _money(report.weekly_now[k]), _count(report.days_to_date[k]),
               _money(report.actual[k]), _count(report.committed_days[k]),
               _money(report.committed[k]), _money(report.projected[k]),
               _money(report.projected[k] - half[k]), _money(report.projected[k] + half[k]),
               _money(outturn), _money(lower[k]), _money(upper[k]), _money(line_budget),
               _money(None if line_budget is None else outturn - line_budget), *tail]
    total = float(report.outturn.sum())
    budget_total = None if not budget else sum(budget.get(n, 0.0) for n in report.lines.names)
    half_total = report.sds * report.total_projected_sd
    projected = float(report.projected.sum())
    yield ["Total", "All placement lines", _count(report.children_now.sum()),
           _money(report.weekly_now.sum()), _count(report.days_to_date.sum()),
           _money(report.actual.sum()), _count(report.committed_days.sum()),
           _money(report.committed.sum()), _money(projected), _money(projected - half_total),
           _money(projected + half_total), _money(total), _money(t_lower), _money(t_upper),
           _money(budget_total), _money(None if budget_total is None else total - budget_total),
           *tail]


def sufficiency_csv(path: Path, needed, capacity, sds: float) -> int:
    from xlfuncs.methods.budget.sufficiency import sufficiency_rows

    rows = ([d.isoformat(), line, band, _count(n), _count(lo), _count(hi), _count(cap),
             _count(gap), _count(gap_hi)]
            for d, line, band, n, lo, hi, cap, gap, gap_hi in sufficiency_rows(needed, capacity, sds))
    return _write_csv(path, ["date", "line", "age_band", "needed", "lower", "upper", "capacity",
                             "gap", "gap_upper"], rows)


def tail_csv(path: Path, tails, report, sds: float) -> int:
    rows = []
    for tail in tails:
        rows.append([_money(tail.threshold), report.as_at.isoformat(), tail.now, tail.now, tail.now,
                     _money(tail.weekly_now), ""])
        for k, date in enumerate(tail.dates):
            count, sd = tail.counts[k], tail.sd[k]
            rows.append([_money(tail.threshold), date.isoformat(), _count(count),
                         _count(max(0.0, count - sds * sd)), _count(count + sds * sd), "",
                         _money(tail.cost[k])])
    return _write_csv(path, ["threshold", "date", "placements", "lower", "upper",
                             "weekly_cost", "cost_in_month"], rows)


def backtest_csv(path: Path, points) -> int:
    rows = ([p.as_at.isoformat(), p.year_start.isoformat(), p.line, _money(p.actual_to_date),
             _money(p.committed), _money(p.projected), _money(p.forecast), _money(p.lower),
             _money(p.upper), _money(p.standing_still), _money(p.outturn),
             _money(p.forecast - p.outturn), _money(p.standing_still - p.outturn),
             "yes" if p.beats else "no", "yes" if p.inside else "no"] for p in points)
    return _write_csv(path, ["as_at", "year_start", "line", "actual_to_date", "committed",
                             "projected", "forecast_outturn", "forecast_lower", "forecast_upper",
                             "actual_plus_committed", "outturn", "forecast_error",
                             "actual_plus_committed_error", "forecast_nearer", "inside_band"], rows)


def history_dates(as_at: dt.date) -> list[dt.date]:
    """The month ends of the financial year before ``as_at``."""
    from xlfuncs.methods.budget.outturn import financial_year
    from xlfuncs.methods.stock_flow.projection import month_ends

    year_start, _ = financial_year(as_at)
    return [d for d in month_ends(year_start - dt.timedelta(days=1), 12) if d < as_at]


def history(table, report, lines, prices, sds: float):
    """The month-end reports of the year so far (each from what was known at its own date),
    the as-at one last; a month the return starts too late to forecast is left out."""
    from xlfuncs.methods.budget.outturn import month_end
    from xlfuncs.methods.errors import InputError

    out = []
    for date in history_dates(report.as_at):
        try:
            out.append(month_end(table, date, lines, prices, sds=sds))
        except InputError:
            continue
    return [*out, report]


def earliest_priced(table, dates) -> dt.date:
    """The first day whose placements a report at any of ``dates`` prices: its financial
    year's start or its reference window's, whichever is earlier, not before the return."""
    from xlfuncs.methods.budget.outturn import REFERENCE_DAYS, financial_year

    first = dt.date(table.years[0] - 1, 4, 1)
    return max(first, min(min(financial_year(d)[0], d - dt.timedelta(days=REFERENCE_DAYS - 1))
                          for d in dates))


def run(args) -> int:
    from xlfuncs.cli import UserError
    from xlfuncs.data.budget_files import digest, read_budget, read_capacity
    from xlfuncs.data.ssda903 import read_ssda903
    from xlfuncs.methods.budget.backtest import outturn_backtest, outturn_month_ends
    from xlfuncs.methods.budget.outturn import month_end, reference_window
    from xlfuncs.methods.budget.sufficiency import (
        capacity_table,
        check_thresholds,
        high_cost_tail,
        placements_needed,
    )
    from xlfuncs.methods.errors import InputError
    from xlfuncs.methods.stock_flow.episodes import from_days

    directory = _directory(args)
    _sample_files(args)
    if not 1 <= args.months <= 120:
        raise UserError("--months must be between 1 and 120")
    if not 0 < args.sds <= 10:
        raise UserError("--sds must be above 0 and at most 10")
    if args.backtest_months < 1:
        raise UserError("--backtest-months must be at least 1")
    try:
        thresholds = check_thresholds(args.thresholds)
    except InputError as exc:
        raise UserError(f"--thresholds: {exc.detail}") from None
    if args.capacity is not None and not (args.sufficiency or args.template or args.sample):
        _warn("--capacity is used by --sufficiency and --template only")
    as_at: dt.date = args.as_at
    _WARNINGS.clear()

    lines = load_lines(args.lines)
    prices = load_prices(args.costs, lines)
    budget = read_budget(args.budget) if args.budget else None
    try:
        table = read_ssda903(directory, strict=args.strict, known_at=as_at)
    except InputError as exc:
        if exc.argument == "as_at":
            raise UserError(f"--as-at: {exc.detail}") from None
        raise
    last_recorded = from_days(table.last_day)
    if (as_at - last_recorded).days > 31:
        _warn(f"the return records nothing after {last_recorded}, {(as_at - last_recorded).days} "
              "days before the as-at date: is it the return of that date?")
    try:
        ref_start, _ = reference_window(table, as_at, args.reference_start)
    except InputError as exc:
        raise UserError(f"--reference-start: {exc.detail}") from None
    backtest_dates = []
    if args.backtest or args.template:
        backtest_dates = outturn_month_ends(table, as_at, args.backtest_months)
    since = min(ref_start, earliest_priced(table, [as_at, *history_dates(as_at), *backtest_dates]))
    check_prices(table, as_at, lines, prices, args.costs, since)
    unmatched = prices.unmatched_children(table.child_ids)
    if unmatched:
        _warn(f"{args.costs.name}: {unmatched} per-child row{'s' if unmatched > 1 else ''} "
              "match no child in the return at the as-at date")

    report = month_end(table, as_at, lines, prices, args.reference_start, args.sds)
    if budget is not None:
        check_budget(args.budget, budget, report)
    provenance = {
        "costs_file": args.costs.name, "costs_sha256": digest(args.costs),
        "lines_file": args.lines.name if args.lines else "",
        "lines_sha256": digest(args.lines) if args.lines else "",
    }
    written = _write_csv(args.out, REPORT_COLUMNS, report_rows(report, budget, provenance))

    capacity = {}
    if args.capacity:
        try:
            capacity = capacity_table(read_capacity(args.capacity), lines.names, report.model.space.bands)
        except InputError as exc:
            if type(exc).__name__ == "BudgetFileError":
                raise
            raise _file_failure(args.capacity, exc) from None
    needed = tails = points = None
    if args.sufficiency or args.template or args.high_cost:
        needed = placements_needed(report.model, args.months)
    if args.sufficiency:
        sufficiency_csv(args.sufficiency, needed, capacity, args.sds)
    if args.high_cost or args.template:
        assert needed is not None  # projected above for these outputs
        priced = report.priced
        tails = high_cost_tail(priced.table, priced.line, priced.weekly, as_at,
                               report.reference_start, needed, thresholds)
    if args.high_cost:
        tail_csv(args.high_cost, tails, report, args.sds)
    if backtest_dates:
        points = outturn_backtest(table, backtest_dates, lines, prices, args.sds)
    if args.backtest:
        backtest_csv(args.backtest, points or [])
    if args.template:
        from xlfuncs.templates.budget_monitoring import fill_template

        months = history(table, report, lines, prices, args.sds)
        fill_template(args.template, report, budget, provenance, months=months, needed=needed,
                      capacity=capacity, tails=tails, backtest=points, years=table.years)

    _summary(args, table, report, budget, provenance, written, points)
    return 0


def _summary(args, table, report, budget, provenance, written, points) -> None:
    for message in _WARNINGS:
        print(f"xlfuncs {NAME}: warning: {message}", file=sys.stderr)
    _WARNINGS.clear()
    read = table.report
    if read.problems or read.short_break_episodes:
        print(f"xlfuncs {NAME}: {read.episode_rows:,} episode rows read, {read.rows_dropped:,} left "
              "out or set aside as invalid" + ("; problems found:" if read.problems else ""),
              file=sys.stderr)
        for line in [*read.summary(), *read.counts()]:
            print(f"  {line}", file=sys.stderr)
    fy = f"{report.year_start.year}-{str(report.year_end.year)[2:]}"
    print(f"{args.out}: {written - 1} budget lines and Total, as at {report.as_at} (financial year "
          f"{fy}, {report.days_left} days left), reference {report.reference_start} to "
          f"{report.reference_end}, costs {provenance['costs_file']} sha256 "
          f"{provenance['costs_sha256'][:12]}")
    lower, upper = report.total_band()
    total = float(report.outturn.sum())
    line = (f"  forecast outturn £{total:,.0f} (band £{lower:,.0f} to £{upper:,.0f}): actual to "
            f"date £{report.actual.sum():,.0f}, committed £{report.committed.sum():,.0f}, "
            f"projected £{report.projected.sum():,.0f}")
    print(line)
    if budget:
        budget_total = sum(budget.get(n, 0.0) for n in report.lines.names)
        print(f"  budget £{budget_total:,.0f}: variance £{total - budget_total:,.0f}")
    print(f"  children in care {report.children_now.sum():,.0f}")
    if points:
        totals = [p for p in points if p.line == "Total"]
        nearer = sum(1 for p in totals if p.beats)
        print(f"  back-test: the forecast outturn was nearer the year's outturn than actual plus "
              f"committed at {nearer} of {len(totals)} month ends")
    for path, what in ((args.sufficiency, "placements needed against capacity"),
                       (args.high_cost, "high-cost tail"), (args.backtest, "outturn back-test"),
                       (args.template, "budget_monitoring template with the aggregated figures")):
        if path:
            print(f"  {path}: {what}")
