"""A 152-council model workbook of the kind councils build, for benchmarks and engine tests.

About 4,500 formula cells: arithmetic, SUM, VLOOKUP, INDEX/MATCH, NPV, ROUND, RANK, IFERROR
and one xlfuncs call per row. The numbers are synthetic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl

COUNCILS = 152
FIRST = 2
INPUT_CELLS = {"growth": "B1", "inflation": "B2", "discount": "B3", "cost_share": "B4"}


def build(path: Path, councils: int = COUNCILS, seed: int = 2017) -> Path:
    rng = np.random.default_rng(seed)
    workbook = openpyxl.Workbook()
    assumptions = workbook.active
    assumptions.title = "Assumptions"
    for label, (_name, ref), value in zip(
        ("Annual growth in children looked after", "Annual inflation", "Discount rate", "Cashable share"),
        INPUT_CELLS.items(),
        (0.03, 0.025, 0.035, 0.45),
        strict=True,
    ):
        assumptions[f"A{ref[1:]}"] = label
        assumptions[ref] = value
    data = workbook.create_sheet("Data")
    data.append(["Code", "Council", "Spend", "Children in need", "LAC", "Population 0-17", "Region"])
    regions = ["North East", "North West", "London", "South East", "South West", "Midlands"]
    for i in range(councils):
        population = float(rng.integers(20_000, 250_000))
        data.append(
            [
                f"E{10000 + i}",
                f"Council {i + 1:03d}",
                float(round(rng.uniform(2e6, 40e6), 2)),
                float(rng.integers(300, 6000)),
                float(round(population * rng.uniform(0.003, 0.012))),
                population,
                regions[i % len(regions)],
            ]
        )
    last = FIRST + councils - 1
    model = workbook.create_sheet("Model")
    headers = [
        "Code", "Council", "Spend", "CiN", "LAC", "Population", "Weekly unit cost", "Rate",
        "Cost per LAC", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Cost Y1", "Cost Y2",
        "Cost Y3", "Cost Y4", "Cost Y5", "NPV", "Cashable", "Rounded NPV", "Rank", "Region",
        "Share of total", "Check", "Band", "Above average", "Per head",
    ]
    model.append(headers)
    table = f"Data!$A${FIRST}:$G${last}"
    for row in range(FIRST, last + 1):
        r = row
        formulas = [
            f"=Data!A{r}",
            f"=VLOOKUP(A{r},{table},2,FALSE)",
            f"=INDEX(Data!$C${FIRST}:$C${last},MATCH(A{r},Data!$A${FIRST}:$A${last},0))",
            f"=VLOOKUP(A{r},{table},4,FALSE)",
            f"=INDEX(Data!$E${FIRST}:$E${last},MATCH(A{r},Data!$A${FIRST}:$A${last},0))",
            f"=VLOOKUP(A{r},{table},6,FALSE)",
            f"=UNIT_COST(C{r},D{r})",
            f"=E{r}/F{r}*10000",
            f"=C{r}/E{r}",
            f"=E{r}*(1+Assumptions!$B$1)",
            f"=J{r}*(1+Assumptions!$B$1)",
            f"=K{r}*(1+Assumptions!$B$1)",
            f"=L{r}*(1+Assumptions!$B$1)",
            f"=M{r}*(1+Assumptions!$B$1)",
            f"=J{r}*I{r}*(1+Assumptions!$B$2)",
            f"=K{r}*I{r}*(1+Assumptions!$B$2)^2",
            f"=L{r}*I{r}*(1+Assumptions!$B$2)^3",
            f"=M{r}*I{r}*(1+Assumptions!$B$2)^4",
            f"=N{r}*I{r}*(1+Assumptions!$B$2)^5",
            f"=NPV(Assumptions!$B$3,O{r}:S{r})",
            f"=T{r}*Assumptions!$B$4",
            f"=ROUND(T{r},-3)",
            f"=RANK(T{r},$T${FIRST}:$T${last})",
            f"=VLOOKUP(A{r},{table},7,FALSE)",
            f"=T{r}/SUM($T${FIRST}:$T${last})",
            f"=IFERROR(C{r}/(D{r}-D{r}),0)",
            f'=IF(H{r}>80,"high",IF(H{r}>50,"middle","low"))',
            f"=H{r}>AVERAGE($H${FIRST}:$H${last})",
            f"=ROUND(C{r}/F{r},2)",
        ]
        for col, formula in enumerate(formulas, start=1):
            model.cell(row=r, column=col, value=formula)
    total = last + 2
    model[f"A{total}"] = "Total"
    for col in "CDEOPQRSTU":
        model[f"{col}{total}"] = f"=SUM({col}{FIRST}:{col}{last})"
    model[f"G{total}"] = f"=UNIT_COST(C{total},D{total})"
    workbook.save(path)
    return path


OUTPUT_CELLS = [f"{col}{FIRST + COUNCILS + 1}" for col in "CDEOPQRSTUG"]
