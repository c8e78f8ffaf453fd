"""Run Social Finance's demand model (PyPI ``cs-demand-model`` 0.5.1) and print its forecast.

Runs in the peer's own environment (``scripts/install-peers.sh``):

    .peers/cs-demand-model/bin/python scripts/peers/cs_demand_model_forecast.py DIR \
        --reference-start 2022-04-01 --reference-end 2023-03-31 --days 731

Does what the peer's ``predict`` command does (``ModelPredictor.from_model`` with the reference
period, then ``predict`` one day at a time) and prints one JSON object: the projected children
in care per state (``"band|placement"``; the peer's "not in care" pseudo-states are left out)
for every day, and the seconds spent estimating and projecting.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date

BANDS = {
    "BIRTH_TO_ONE": "0-1",
    "ONE_TO_FIVE": "1-5",
    "FIVE_TO_TEN": "5-10",
    "TEN_TO_SIXTEEN": "10-16",
    "SIXTEEN_TO_EIGHTEEN": "16-18+",
}
PLACEMENTS = {
    "FOSTERING": "fostering",
    "RESIDENTIAL": "residential",
    "SUPPORTED": "supported",
    "OTHER": "other",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--reference-start", required=True, type=date.fromisoformat)
    parser.add_argument("--reference-end", required=True, type=date.fromisoformat)
    parser.add_argument("--days", type=int, default=731)
    args = parser.parse_args(argv)

    import pandas as pd
    from cs_demand_model import (
        Config,
        DemandModellingDataContainer,
        ModelPredictor,
        PopulationStats,
        fs_datastore,
    )

    started = time.perf_counter()
    config = Config()
    container = DemandModellingDataContainer(fs_datastore(args.directory), config)
    stats = PopulationStats(container.enriched_view, config)
    start = pd.Timestamp(args.reference_start)
    end = pd.Timestamp(args.reference_end)
    predictor = ModelPredictor.from_model(stats, start, end)
    estimated = time.perf_counter()
    prediction = predictor.predict(args.days)
    projected = time.perf_counter()

    series = {}
    for column in prediction.columns:
        if not column:
            continue
        band, placement = column
        if placement not in PLACEMENTS:  # "not in care" pseudo-states accumulate leavers
            continue
        values = prediction[column].fillna(0.0).astype(float).tolist()
        series[f"{BANDS[band]}|{PLACEMENTS[placement]}"] = values
    json.dump(
        {
            "dates": [str(pd.Timestamp(d).date()) for d in prediction.index],
            "series": series,
            "estimate_seconds": estimated - started,
            "project_seconds": projected - estimated,
        },
        sys.stdout,
    )
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
