"""Run DfE's SSDA903 validation rules (PyPI ``csc-validator-be-903``) on header, episodes and UASC files.

Runs in the validator's own environment (``scripts/install-peers.sh``):

    .peers/csc-validator-be-903/bin/python scripts/peers/validate_903.py DIR [--la E06000042]

``DIR`` holds one folder per collection year (``DIR/<YYYY>/header.csv``, ``episodes.csv`` and,
where the return has UASC, ``uasc.csv``). Each year is validated with the rules of its own
collection year where the package has them (``lac2022_23`` for the year ending March 2023, and
so on) and with the earliest rule set it has for earlier years, with the previous year's files
loaded as "last year" so that the rules that compare years run too. Only rules whose tables are
header, episodes and UASC (this year's and last year's) are run. Prints one JSON object: per
year, the rule set, the rules run, the errors per rule (with up to five example rows), the
rules skipped for want of data and any that failed to run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from pathlib import Path

logging.disable(logging.CRITICAL)

from lac_validator import lac_validator  # noqa: E402
from lac_validator.utils import process_uploaded_files  # noqa: E402

TABLES = {"Header", "Episodes", "UASC", "Header_last", "Episodes_last", "UASC_last"}
FILES = ("header.csv", "episodes.csv", "uasc.csv")
RULESETS = ("lac2022_23", "lac2023_24", "lac2024_25", "lac2025_26", "lac2026_27")


def ruleset_for(year: int) -> str:
    wanted = f"lac{year - 1}_{year % 100:02d}"
    if wanted in RULESETS:
        return wanted
    return RULESETS[0] if year < 2023 else RULESETS[-1]


def header_episode_rules(registry) -> list[str]:
    codes = []
    for code, rule in registry.items():
        tables = set(rule.tables or ())
        if tables and tables <= TABLES:
            codes.append(str(code))
    return sorted(codes)


def year_files(folder: Path) -> list[str]:
    """The year's files the validator reads (the UASC table only where there is one)."""
    return [str(folder / name) for name in FILES if (folder / name).is_file()]


def validate_year(root: Path, year: int, la: str) -> dict:
    ruleset = ruleset_for(year)
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    codes = header_episode_rules(registry)
    files = {"This year": year_files(root / str(year))}
    previous = root / str(year - 1)
    if (previous / "episodes.csv").is_file():
        files["Prev year"] = year_files(previous)
    uploaded = process_uploaded_files(files)
    # The package reads the first four characters as the year in which the collection ends.
    metadata = {"collectionYear": str(year), "localAuthority": la}
    validator = lac_validator.LacValidator(
        metadata=metadata, files=uploaded, registry=registry, selected_rules=codes
    )
    errors = {}
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        for column in frame.columns:
            if not str(column).startswith("ERR_"):
                continue
            flagged = frame.index[frame[column].fillna(False).astype(bool)]
            if len(flagged):
                code = str(column)[4:]
                entry = errors.setdefault(code, {"count": 0, "examples": []})
                entry["count"] += int(len(flagged))
                for row in flagged[:5]:
                    child = frame.loc[row, "CHILD"] if "CHILD" in frame.columns else None
                    entry["examples"].append({"table": table, "row": int(row), "child": child})
    return {
        "ruleset": ruleset,
        "rules_run": len(codes),
        "previous_year_loaded": "Prev year" in files,
        "errors": errors,
        "skipped": sorted(map(str, validator.skips)),
        "failed": sorted(map(str, validator.fails)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--la", default="E06000042", help="local authority code of the returns")
    args = parser.parse_args(argv)
    years = sorted(int(p.name) for p in args.directory.iterdir()
                   if p.is_dir() and p.name.isdigit() and len(p.name) == 4)
    if not years:
        print(f"no collection-year folders under {args.directory}", file=sys.stderr)
        return 2
    report = {str(year): validate_year(args.directory, year, args.la) for year in years}
    json.dump(report, sys.stdout, indent=1, default=str)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
