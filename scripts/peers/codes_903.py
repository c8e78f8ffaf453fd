"""Which codes DfE's SSDA903 validation rules (PyPI ``csc-validator-be-903``) accept, per rule set.

Runs in the validator's own environment (``scripts/install-peers.sh``):

    .peers/csc-validator-be-903/bin/python scripts/peers/codes_903.py CODE [CODE ...]

Feeds each candidate code, one row each, to the rules that check a field's code list (143 RNE,
144 LS, 146 PLACE, 149 REC, 178 PLACE_PROVIDER) of every rule set the package has, and prints
one JSON object: per rule set and field, the candidates the rule accepts. Codes are passed in
upper case, as the validator's reader makes them.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys

logging.disable(logging.CRITICAL)

import pandas as pd  # noqa: E402

RULESETS = ("lac2022_23", "lac2023_24", "lac2024_25", "lac2025_26", "lac2026_27")
FIELDS = {"143": "RNE", "144": "LS", "146": "PLACE", "149": "REC", "178": "PLACE_PROVIDER"}


def accepted(rule, field: str, candidates: list[str]) -> list[str]:
    rows = {"RNE": candidates, "LS": candidates, "PLACE": candidates, "REC": candidates,
            "PLACE_PROVIDER": candidates}
    if field == "PLACE_PROVIDER":
        rows["PLACE"] = ["U4"] * len(candidates)  # a placement that needs a provider
    frame = pd.DataFrame({k: v for k, v in rows.items() if k in (field, "PLACE")})
    result = rule.func({"Episodes": frame.copy()})
    bad = set(result.get("Episodes", []))
    return [code for i, code in enumerate(candidates) if i not in bad]


def main(argv: list[str] | None = None) -> int:
    candidates = [c.upper() for c in (argv if argv is not None else sys.argv[1:])]
    report: dict[str, dict[str, list[str]]] = {}
    for ruleset in RULESETS:
        registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
        report[ruleset] = {field: accepted(registry[code], field, candidates)
                           for code, field in FIELDS.items()}
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
