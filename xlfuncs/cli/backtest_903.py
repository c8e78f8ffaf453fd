"""``forecast-903 --backtest``: every forecasting method re-estimated at past month ends and
scored against the children actually in care (:mod:`xlfuncs.methods.budget.backtest`).

Writes the scores (``--backtest``: method, placement group, horizon, forecasts, MAPE, share of
actuals inside the band) and each forecast against its actual (``--backtest-detail``); the
``--template`` copy of ``stock_flow.xlsx`` gets them on its Backtest sheet.
"""

from __future__ import annotations

from pathlib import Path

SCORE_COLUMNS = ["method", "placement", "horizon_months", "forecasts", "mape_percent",
                 "inside_band_share"]
DETAIL_COLUMNS = ["method", "origin", "date", "horizon_months", "placement", "forecast", "lower",
                  "upper", "actual", "ape_percent", "inside_band"]


def _number(value) -> float | str:
    return "" if value is None else float(f"{float(value):.10g}")


def run_backtest(directory: Path, table, args, placement_map: dict[str, str]):
    """The back-test of every method on the return under ``directory``.

    ``table`` is the one forecast-903 read; the actuals are the children DfE counts, so a
    table read otherwise (cs-demand-model's conventions, short breaks kept) is read again.
    """
    from xlfuncs.cli import UserError
    from xlfuncs.data.ssda903 import read_ssda903
    from xlfuncs.methods.budget.backtest import count_backtest

    if args.backtest_months < 1:
        raise UserError("--backtest-months must be at least 1")
    if table.conventions != "xlfuncs" or table.report.short_breaks != "exclude":
        table = read_ssda903(directory, strict=args.strict)
        placement_map = {}
    peer = read_ssda903(directory, conventions="cs-demand-model", strict=args.strict)
    return count_backtest(table, args.backtest_months, 12, peer_table=peer,
                          placement_map=placement_map or None, sds=args.sds)


def write_backtest(result, scores_path: Path | None, detail_path: Path | None, write_csv) -> None:
    if scores_path:
        write_csv(scores_path, SCORE_COLUMNS, (
            [s.method, s.placement, "all" if s.horizon is None else s.horizon, s.forecasts,
             _number(s.mape), _number(s.inside)] for s in result.scores))
    if detail_path:
        write_csv(detail_path, DETAIL_COLUMNS, (
            [p.method, p.origin.isoformat(), p.date.isoformat(), p.horizon, p.placement,
             _number(p.forecast), _number(p.lower), _number(p.upper), _number(p.actual),
             _number(p.ape), "" if p.inside is None else ("yes" if p.inside else "no")]
            for p in result.points))


def summary_lines(result) -> list[str]:
    """Each method's MAPE and band coverage of the total, one line each."""
    from xlfuncs.methods.budget.backtest import TOTAL

    if not result.points:
        return ["  back-test: the return has no month end with 12 months of data before it"]
    lines = [f"  back-test: {len(result.origins)} origins ({result.origins[0]} to "
             f"{result.origins[-1]}), up to {result.horizon} months ahead"]
    for score in result.scores:
        if score.placement == TOTAL and score.horizon is None:
            inside = "" if score.inside is None else f", {score.inside:.0%} inside the band"
            lines.append(f"    {score.method}: MAPE of the total {score.mape:.1f}% over "
                         f"{score.forecasts} forecasts{inside}")
    if result.notes:
        lines.append(f"  back-test: {len(result.notes)} forecast{'s' if len(result.notes) > 1 else ''} "
                     f"could not be made, e.g. {result.notes[0]}")
    return lines
