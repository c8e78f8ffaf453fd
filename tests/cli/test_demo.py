"""`xlfuncs demo`, the README's main job, runs end to end on the bundled samples."""

import subprocess
import sys


def test_demo_runs_every_job_and_prints_the_headlines(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "xlfuncs", "demo", "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout
    assert "Edge-of-care net savings a year (£): 1,225,154" in out
    assert "Weekly unit cost per child in need, all example councils (£): 97.34" in out
    assert "error" not in out.lower()
    assert "children in care 417 on 2023-03-31" in out
    assert "Furthest above the spend per head the five factors predict" in out
    for name in ("intervention_cba", "lac_forecast", "spend_variation", "stock_flow", "unit_costs"):
        assert (tmp_path / f"{name}.xlsx").exists()
    assert len(list((tmp_path / "spend-variation").glob("*.xlsx"))) == 151
    assert (tmp_path / "forecast-903.csv").exists()
    assert "Month-end budget report as at 2022-12-31" in out
    assert "forecast outturn £28,664,803" in out and "variance £984,803" in out
    for name in ("report.csv", "sufficiency.csv", "high-cost.csv", "backtest.csv", "budget_monitoring.xlsx"):
        assert (tmp_path / "budget-903" / name).exists()
