"""Template ``spend_variation.xlsx``: why does a council spend more per head than others?

The LGA / Newton five-factor model (seed 000) for all 151 councils: a Data sheet of spend and
drivers, the Model, each council's expected spend, gap and nearest councils, and a one-council
Summary driven by the ``Council`` selector (a new_la_code), with a scatter chart of actual
against expected spend.

The coefficients, R-squared and everything built on them (expected spend, gaps, the Summary)
use only Excel's own functions (``INDEX(LINEST(...))``, ``RSQ``, ``SUMPRODUCT``), so they
calculate in Excel without the add-in and in LibreOffice. The standard errors and F come from
``SPEND_LINEST``: the ``formulas`` package's LINEST (1.3.4) lists the standard errors in the
wrong order and divides F by one degree of freedom too many. The Shapley shares
(``SPEND_SHAPLEY``) and the neighbours (``SPEND_NEIGHBOURS``) have no Excel equivalent.

The data are the SYNTHETIC sample panel (``samples/la_panel.csv``, FY16/17). A council replaces
the yellow cells on the Data sheet with published figures, one row per council.

Defined names a batch run can use: ``Council`` (the one input, a council code) and, on the
Summary, ``CouncilName``, ``CouncilRegion``, ``ActualSpend``, ``ExpectedSpend``, ``SpendGap``,
``SpendGapPercent``, ``GapRank``, ``Neighbour1`` to ``Neighbour5``; on the Model,
``ModelRSquared``, ``AdjustedRSquared``, ``IdaciRSquared``, ``ExpectedLow``, ``ExpectedHigh``,
``ActualLow``, ``ActualHigh``, ``CouncilsInModel``, ``DataProblems``, ``LinestCheck``. Ranges:
``Codes``, ``CouncilNames``, ``SpendPerHead``, ``Drivers`` (Data sheet).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.marker import Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from xlfuncs.data import dfe as dfe_data
from xlfuncs.templates import Template
from xlfuncs.templates._layout import (
    DERIVED_FILL,
    INPUT_FILL,
    MONEY,
    OUTPUT_FILL,
    PERCENT,
    define,
    header_row,
    new_workbook,
    note,
    sheet_title,
)

YEAR = 2017  # FY16/17, the year of seed 000
DEFAULT_COUNCIL = "E06000034"  # Thurrock (seed 003)
NEIGHBOURS = 5
FIRST = 5  # first data row on the Data and Councils sheets

#: (label, short label, number format) of the five drivers, in the Data sheet's order.
DRIVERS = (
    ("IDACI average score", "IDACI", "0.000"),
    ("Population aged 0-25 (driver)", "Population 0-25", "#,##0"),
    ("Disposable household income per head (£)", "Household income", MONEY),
    ("Unemployment rate (%)", "Unemployment", "0.0"),
    ("Crime per 1,000 population", "Crime", "0.0"),
)


def _bold(cell) -> None:
    cell.font = Font(bold=True)


def build() -> Workbook:
    panel = dfe_data.load_panel()
    rows = dfe_data.panel_year(panel, YEAR)
    n = len(rows)
    last = FIRST + n - 1
    workbook = new_workbook(
        "Spend variation between councils",
        "Spend on children's services per head aged 0-25 compared with what five factors "
        "outside a council's control predict (LGA / Newton 'Making Sense' 2018). The council "
        "figures are SYNTHETIC (samples/la_panel.csv): replace the yellow cells on the Data "
        "sheet with published outturn, ONS and IDACI figures. Choose a council on the Summary.",
        [
            "Model: LGA / Newton 'Making Sense' (2018): five factors explain about half the "
            "variation in spend per head aged 0-25; IDACI alone 31%; expected range £334-£883",
            "Coefficients and R-squared: Excel's LINEST; standard errors, F and Shapley (LMG) "
            "shares of R-squared: xlfuncs SPEND_LINEST and SPEND_SHAPLEY",
            "Neighbours: nearest councils on the standardised drivers (SPEND_NEIGHBOURS); "
            "NOT the Department for Education's statistical neighbours",
            "Sample data: synthetic panel of the 151 English authorities, 2012-2017, in DfE's "
            "local-authority CSV layout (samples/README.md)",
        ],
    )
    data = workbook.create_sheet("Data")
    model = workbook.create_sheet("Model")
    councils = workbook.create_sheet("Councils")
    summary = workbook.create_sheet("Summary")
    y_ref = f"Data!$F${FIRST}:$F${last}"
    x_ref = f"Data!$G${FIRST}:$K${last}"

    # ---- Data -------------------------------------------------------------------------
    sheet_title(data, f"Spend and drivers, FY{YEAR - 2001}/{YEAR - 2000} (SYNTHETIC sample figures)")
    note(
        data,
        "A2",
        "Replace the yellow cells with published figures for every council: LINEST needs a "
        "number in every cell (Model!B19 counts the gaps).",
    )
    header_row(
        data,
        4,
        [
            "Council code (new_la_code)",
            "Council",
            "Region",
            "Spend on children's services (£)",
            "Population aged 0-25",
            "Spend per head aged 0-25 (£)",
            *(label for label, _, _ in DRIVERS),
        ],
    )
    for offset, (_, row) in enumerate(rows.iterrows()):
        r = FIRST + offset
        data.cell(r, 1, row["new_la_code"])
        data.cell(r, 2, row["la_name"])
        data.cell(r, 3, row["region_name"])
        values = (
            (4, row["spend_total"], MONEY),
            (5, row["population_0_25"], "#,##0"),
            (7, row["idaci_average_score"], "0.000"),
            (9, row["gdhi_per_head"], MONEY),
            (10, row["unemployment_rate"], "0.0"),
            (11, row["crime_rate_per_1000"], "0.0"),
        )
        for column, value, data_format in values:
            cell = data.cell(r, column, float(value))
            cell.fill = INPUT_FILL
            cell.number_format = data_format
        per_head = data.cell(r, 6, f"=D{r}/E{r}")
        per_head.fill = DERIVED_FILL
        per_head.number_format = MONEY
        population = data.cell(r, 8, f"=E{r}")
        population.fill = DERIVED_FILL
        population.number_format = "#,##0"
    data.column_dimensions["A"].width = 14
    data.column_dimensions["B"].width = 28
    data.column_dimensions["C"].width = 22
    for col in "DEFGHIJK":
        data.column_dimensions[col].width = 15
    data.freeze_panes = "D5"
    define(workbook, "Codes", data, f"A{FIRST}:A{last}")
    define(workbook, "CouncilNames", data, f"B{FIRST}:B{last}")
    define(workbook, "SpendPerHead", data, f"F{FIRST}:F{last}")
    define(workbook, "Drivers", data, f"G{FIRST}:K{last}")

    # ---- Model ------------------------------------------------------------------------
    linest = f"LINEST({y_ref},{x_ref},TRUE,TRUE)"
    p = len(DRIVERS)
    sheet_title(model, "The five-factor model of spend per head aged 0-25")
    note(
        model,
        "A2",
        "Ordinary least squares of spend per head on the drivers. Coefficients and R-squared "
        "are Excel's LINEST; standard errors and F come from SPEND_LINEST (the same model).",
    )
    header_row(model, 4, ["", *(short for _, short, _ in DRIVERS), "Intercept"])
    labels = {
        5: "Coefficient",
        6: "Standard error",
        7: "t statistic",
        8: "R-squared on its own",
        9: "Shapley share of R-squared (points)",
        10: "Share of what the model explains",
        11: "Average across councils",
    }
    for r, label in labels.items():
        model.cell(r, 1, label)
    # The SPEND_LINEST block (Excel's LINEST layout) sits below; row 2 holds the errors.
    block_top = 31
    for j in range(p + 1):
        col = get_column_letter(2 + j)
        linest_col = p - j if j < p else p + 1  # LINEST lists the last driver first
        block_col = get_column_letter(linest_col)
        model[f"{col}5"] = f"=INDEX({linest},1,{linest_col})"
        model[f"{col}6"] = f"={block_col}{block_top + 1}"
        model[f"{col}7"] = f"={col}5/{col}6"
        for r in (5, 6, 7):
            model[f"{col}{r}"].fill = OUTPUT_FILL
        model[f"{col}5"].number_format = "0.0000"
        model[f"{col}6"].number_format = "0.0000"
        model[f"{col}7"].number_format = "0.00"
        if j < p:
            data_col = get_column_letter(7 + j)
            model[f"{col}8"] = f"=RSQ({y_ref},Data!${data_col}${FIRST}:${data_col}${last})"
            model[f"{col}10"] = f"={col}9/$B$13"
            model[f"{col}11"] = f"=AVERAGE(Data!${data_col}${FIRST}:${data_col}${last})"
            model[f"{col}8"].number_format = PERCENT
            model[f"{col}9"].number_format = "0.000"
            model[f"{col}10"].number_format = PERCENT
            model[f"{col}11"].number_format = DRIVERS[j][2]
            for r in (8, 9, 10):
                model[f"{col}{r}"].fill = OUTPUT_FILL
    last_driver = get_column_letter(1 + p)
    model["B9"] = ArrayFormula(f"B9:{last_driver}9", f"=SPEND_SHAPLEY({y_ref},{x_ref})")
    model["B9"].number_format = "0.000"
    model["B9"].fill = OUTPUT_FILL
    model["G11"] = f"=AVERAGE({y_ref})"
    model["G11"].number_format = MONEY
    note(model, "H11", "(the intercept column shows the average spend per head)")

    stats = (
        (13, "R-squared", f"=INDEX({linest},3,1)", "0.000", "ModelRSquared"),
        (14, "Adjusted R-squared", "=1-(1-B13)*(B18-1)/B17", "0.000", "AdjustedRSquared"),
        (15, "Standard error of spend per head (£)", f"=INDEX({linest},3,2)", MONEY, None),
        (16, "F statistic", f"=A{block_top + 3}", "0.00", None),
        (17, "Residual degrees of freedom", f"=INDEX({linest},4,2)", "0", None),
        (18, "Councils in the model", f"=B17+{p}+1", "0", "CouncilsInModel"),
        (
            19,
            "Blank or non-numeric data cells (must be 0)",
            f"=ROWS({x_ref})*COLUMNS({x_ref})-COUNT({x_ref})+ROWS({y_ref})-COUNT({y_ref})",
            "0",
            "DataProblems",
        ),
        (20, "Sum of squares, regression", f"=INDEX({linest},5,1)", "#,##0", None),
        (21, "Sum of squares, residual", f"=INDEX({linest},5,2)", "#,##0", None),
        (23, "Expected spend per head, lowest council (£)", f"=MIN(Councils!$E${FIRST}:$E${last})", MONEY, "ExpectedLow"),
        (24, "Expected spend per head, highest council (£)", f"=MAX(Councils!$E${FIRST}:$E${last})", MONEY, "ExpectedHigh"),
        (25, "Actual spend per head, lowest council (£)", f"=MIN({y_ref})", MONEY, "ActualLow"),
        (26, "Actual spend per head, highest council (£)", f"=MAX({y_ref})", MONEY, "ActualHigh"),
        (27, "Variation IDACI explains on its own", "=B8", PERCENT, "IdaciRSquared"),
    )
    for r, label, formula, fmt, name in stats:
        model.cell(r, 1, label)
        cell = model.cell(r, 2, formula)
        cell.number_format = fmt
        cell.fill = OUTPUT_FILL
        if name:
            define(workbook, name, model, f"B{r}")
    # F comes from the block: fix the reference now that the block's place is known.
    model["B16"] = f"=A{block_top + 3}"
    note(model, "C13", "LGA / Newton 2018: just over 50%")
    note(model, "C23", "LGA / Newton 2018: £334 to £883 expected; £292 to £1,254 actual")
    note(model, "C27", "LGA / Newton 2018: 31%")

    model[f"A{block_top - 2}"] = (
        "SPEND_LINEST: the same model in Excel's LINEST layout (last driver first, then the "
        "intercept; 0 where LINEST shows #N/A)"
    )
    _bold(model[f"A{block_top - 2}"])
    header_row(
        model,
        block_top - 1,
        [*(f"m{p - j}: {DRIVERS[p - 1 - j][1]}" for j in range(p)), "b: intercept"],
    )
    model[f"A{block_top}"] = ArrayFormula(
        f"A{block_top}:{get_column_letter(p + 1)}{block_top + 4}",
        f"=SPEND_LINEST({y_ref},{x_ref},TRUE)",
    )
    for r in range(block_top, block_top + 5):
        for c in range(1, p + 2):
            model.cell(r, c).fill = DERIVED_FILL
            model.cell(r, c).number_format = "0.0000"
    row_names = (
        "coefficients",
        "standard errors",
        "R-squared | se of y",
        "F | degrees of freedom",
        "SS regression | SS residual",
    )
    for offset, text in enumerate(row_names):
        note(model, f"{get_column_letter(p + 2)}{block_top + offset}", text)
    check = block_top + 6
    model[f"A{check}"] = "Largest relative difference, LINEST against SPEND_LINEST"
    terms = ",".join(
        f"ABS(INDEX({linest},1,{k})/{get_column_letter(k)}{block_top}-1)" for k in range(1, p + 2)
    )
    model[f"{get_column_letter(p + 2)}{check}"] = f"=MAX({terms})"
    model[f"{get_column_letter(p + 2)}{check}"].number_format = "0.0E+00"
    define(workbook, "LinestCheck", model, f"{get_column_letter(p + 2)}{check}")
    model.column_dimensions["A"].width = 44
    for col in "BCDEFG":
        model.column_dimensions[col].width = 16
    model.column_dimensions["H"].width = 28

    # ---- Councils ---------------------------------------------------------------------
    sheet_title(councils, "Each council's expected spend, gap and nearest councils")
    note(
        councils,
        "A2",
        "Expected = intercept + coefficients x the council's drivers. Gap = actual - expected "
        "(positive: spends more than the five factors predict). Neighbours: nearest on the "
        "standardised drivers, not DfE's statistical neighbours.",
    )
    header_row(
        councils,
        4,
        [
            "Council code",
            "Council",
            "Region",
            "Actual spend per head (£)",
            "Expected spend per head (£)",
            "Gap (£)",
            "Gap (% of expected)",
            "Gap rank (1 = furthest above)",
            *(f"Neighbour {k}" for k in range(1, NEIGHBOURS + 1)),
            *(f"Neighbour {k} row" for k in range(1, NEIGHBOURS + 1)),
        ],
    )
    first_pos = 9 + NEIGHBOURS  # first column of neighbour row numbers
    for offset in range(n):
        r = FIRST + offset
        councils[f"A{r}"] = f"=Data!A{r}"
        councils[f"B{r}"] = f"=Data!B{r}"
        councils[f"C{r}"] = f"=Data!C{r}"
        councils[f"D{r}"] = f"=Data!F{r}"
        councils[f"E{r}"] = f"=Model!$G$5+SUMPRODUCT(Model!$B$5:$F$5,Data!G{r}:K{r})"
        councils[f"F{r}"] = f"=D{r}-E{r}"
        councils[f"G{r}"] = f"=F{r}/E{r}"
        councils[f"H{r}"] = f"=RANK(F{r},$F${FIRST}:$F${last})"
        for col in "DEF":
            councils[f"{col}{r}"].number_format = MONEY
        councils[f"G{r}"].number_format = PERCENT
        for col in "EFGH":
            councils[f"{col}{r}"].fill = OUTPUT_FILL
        for k in range(NEIGHBOURS):
            position = get_column_letter(first_pos + k)
            councils.cell(r, 9 + k, f"=INDEX($B${FIRST}:$B${last},{position}{r})")
    first_letter = get_column_letter(first_pos)
    last_letter = get_column_letter(first_pos + NEIGHBOURS - 1)
    councils[f"{first_letter}{FIRST}"] = ArrayFormula(
        f"{first_letter}{FIRST}:{last_letter}{last}", f"=SPEND_NEIGHBOURS({x_ref},{NEIGHBOURS})"
    )
    for offset in range(n):
        for k in range(NEIGHBOURS):
            councils.cell(FIRST + offset, first_pos + k).fill = DERIVED_FILL
    councils.column_dimensions["A"].width = 12
    councils.column_dimensions["B"].width = 28
    councils.column_dimensions["C"].width = 22
    for c in range(4, 9):
        councils.column_dimensions[get_column_letter(c)].width = 13
    for c in range(9, 9 + NEIGHBOURS):
        councils.column_dimensions[get_column_letter(c)].width = 24
    councils.freeze_panes = "D5"

    # ---- Summary ----------------------------------------------------------------------
    sheet_title(summary, "One council: actual against expected spend per head")
    summary["A3"] = "Council code (new_la_code)"
    _bold(summary["A3"])
    summary["B3"] = DEFAULT_COUNCIL
    summary["B3"].fill = INPUT_FILL
    note(summary, "C3", "choose from the list; the codes are on the Data sheet")
    validation = DataValidation(
        type="list",
        formula1=f"Data!$A${FIRST}:$A${last}",
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Council code",
        error="Choose a council code (new_la_code) from the list.",
    )
    summary.add_data_validation(validation)
    validation.add("B3")
    define(workbook, "Council", summary, "B3")
    col_range = f"$A${FIRST}:$A${last}"
    summary["A4"] = "Row of the council on the Data sheet (#N/A: code not found)"
    summary["B4"] = f"=MATCH(Council,Councils!{col_range},0)"
    summary["B4"].fill = DERIVED_FILL

    def at(column: str) -> str:
        return f"INDEX(Councils!${column}${FIRST}:${column}${last},$B$4)"

    lines = (
        (5, "Council", f'=IFERROR({at("B")},"Code not found")', None, "CouncilName"),
        (6, "Region", f'=IFERROR({at("C")},"")', None, "CouncilRegion"),
        (8, "Actual spend per head aged 0-25 (£)", f"={at('D')}", MONEY, "ActualSpend"),
        (9, "Expected from the five factors (£)", f"={at('E')}", MONEY, "ExpectedSpend"),
        (10, "Gap: actual minus expected (£)", f"={at('F')}", MONEY, "SpendGap"),
        (11, "Gap as a share of expected", f"={at('G')}", PERCENT, "SpendGapPercent"),
        (12, f"Gap rank of {n} (1 = furthest above expected)", f"={at('H')}", "0", "GapRank"),
        (13, "Expected range across councils, lowest (£)", "=ExpectedLow", MONEY, None),
        (14, "Expected range across councils, highest (£)", "=ExpectedHigh", MONEY, None),
        (15, "Share of the variation the model explains", "=ModelRSquared", PERCENT, None),
    )
    for r, label, formula, line_format, name in lines:
        summary.cell(r, 1, label)
        cell = summary.cell(r, 2, formula)
        cell.fill = OUTPUT_FILL
        if line_format:
            cell.number_format = line_format
        if name:
            define(workbook, name, summary, f"B{r}")

    header_row(
        summary,
        17,
        ["Why expected spend differs from the average council", "This council", "Average council",
         "Coefficient", "Adds to expected spend (£)"],
    )
    for j, (label, _, fmt) in enumerate(DRIVERS):
        r = 18 + j
        data_col = get_column_letter(7 + j)
        model_col = get_column_letter(2 + j)
        summary[f"A{r}"] = label
        summary[f"B{r}"] = f"=INDEX(Data!${data_col}${FIRST}:${data_col}${last},$B$4)"
        summary[f"C{r}"] = f"=Model!{model_col}11"
        summary[f"D{r}"] = f"=Model!{model_col}5"
        summary[f"E{r}"] = f"=D{r}*(B{r}-C{r})"
        summary[f"B{r}"].number_format = fmt
        summary[f"C{r}"].number_format = fmt
        summary[f"D{r}"].number_format = "0.0000"
        summary[f"E{r}"].number_format = MONEY
        summary[f"E{r}"].fill = OUTPUT_FILL
    total = 18 + p
    summary[f"A{total}"] = "Average council's spend per head (£)"
    summary[f"E{total}"] = "=Model!G11"
    summary[f"A{total + 1}"] = "Expected = average + the factors above (£)"
    summary[f"E{total + 1}"] = f"=E{total}+SUM(E18:E{total - 1})"
    for r in (total, total + 1):
        summary[f"E{r}"].number_format = MONEY
        summary[f"E{r}"].fill = OUTPUT_FILL
    _bold(summary[f"A{total + 1}"])

    top = total + 3
    header_row(
        summary,
        top,
        ["Nearest councils on the five drivers (not DfE's statistical neighbours)", "Code",
         "Actual (£)", "Expected (£)", "Gap (£)"],
    )
    for k in range(1, NEIGHBOURS + 1):
        r = top + k
        position = f"INDEX(Councils!${get_column_letter(first_pos + k - 1)}${FIRST}:" \
            f"${get_column_letter(first_pos + k - 1)}${last},$B$4)"
        summary[f"A{r}"] = f"=INDEX(Councils!${get_column_letter(8 + k)}${FIRST}:" \
            f"${get_column_letter(8 + k)}${last},$B$4)"
        summary[f"B{r}"] = f"=INDEX(Councils!$A${FIRST}:$A${last},{position})"
        for col, source in (("C", "D"), ("D", "E"), ("E", "F")):
            summary[f"{col}{r}"] = f"=INDEX(Councils!${source}${FIRST}:${source}${last},{position})"
            summary[f"{col}{r}"].number_format = MONEY
        summary[f"A{r}"].fill = OUTPUT_FILL
        define(workbook, f"Neighbour{k}", summary, f"A{r}")

    # Chart data: the line actual = expected, and the chosen council.
    chart_row = top + NEIGHBOURS + 2
    summary[f"A{chart_row}"] = "Chart points"
    _bold(summary[f"A{chart_row}"])
    summary[f"B{chart_row}"] = "Expected (£)"
    summary[f"C{chart_row}"] = "Actual (£)"
    summary[f"A{chart_row + 1}"] = "Actual = expected, low end"
    summary[f"B{chart_row + 1}"] = "=ActualLow"
    summary[f"C{chart_row + 1}"] = "=ActualLow"
    summary[f"A{chart_row + 2}"] = "Actual = expected, high end"
    summary[f"B{chart_row + 2}"] = "=ActualHigh"
    summary[f"C{chart_row + 2}"] = "=ActualHigh"
    summary[f"A{chart_row + 3}"] = "Chosen council"
    summary[f"B{chart_row + 3}"] = "=ExpectedSpend"
    summary[f"C{chart_row + 3}"] = "=ActualSpend"
    for r in range(chart_row + 1, chart_row + 4):
        for col in "BC":
            summary[f"{col}{r}"].number_format = MONEY
            summary[f"{col}{r}"].fill = DERIVED_FILL

    chart = ScatterChart()
    chart.title = "Spend per head aged 0-25: actual against expected"
    chart.style = 13
    chart.scatterStyle = "lineMarker"
    chart.x_axis.title = "Expected from the five factors (£)"
    chart.y_axis.title = "Actual (£)"
    chart.height = 11
    chart.width = 18
    everyone = Series(
        Reference(councils, min_col=4, min_row=FIRST, max_row=last),
        Reference(councils, min_col=5, min_row=FIRST, max_row=last),
        title="Councils",
    )
    everyone.marker = Marker(symbol="circle", size=5)
    everyone.marker.graphicalProperties = GraphicalProperties(solidFill="2E75B6")
    everyone.marker.graphicalProperties.line.solidFill = "2E75B6"
    everyone.graphicalProperties.line.noFill = True
    equal = Series(
        Reference(summary, min_col=3, min_row=chart_row + 1, max_row=chart_row + 2),
        Reference(summary, min_col=2, min_row=chart_row + 1, max_row=chart_row + 2),
        title="Actual = expected",
    )
    equal.marker = Marker(symbol="none")
    equal.graphicalProperties.line.solidFill = "7F7F7F"
    equal.graphicalProperties.line.dashStyle = "dash"
    equal.graphicalProperties.line.width = 12700
    chosen = Series(
        Reference(summary, min_col=3, min_row=chart_row + 3, max_row=chart_row + 3),
        Reference(summary, min_col=2, min_row=chart_row + 3, max_row=chart_row + 3),
        title_from_data=False,
        title="Chosen council",
    )
    chosen.marker = Marker(symbol="diamond", size=14)
    chosen.marker.graphicalProperties = GraphicalProperties(solidFill="C00000")
    chosen.marker.graphicalProperties.line.solidFill = "C00000"
    chosen.graphicalProperties.line.noFill = True
    for series in (everyone, equal, chosen):
        chart.series.append(series)
    # openpyxl hides axes by default (delete="1"): show them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    summary.add_chart(chart, "G3")
    summary.column_dimensions["A"].width = 52
    for col in "BCDE":
        summary.column_dimensions[col].width = 16

    workbook.active = workbook.sheetnames.index("Summary")
    return workbook


TEMPLATE = Template(
    filename="spend_variation.xlsx",
    title="Spend variation between councils (LGA / Newton five-factor model)",
    build=build,
    headlines=(
        ("Model R-squared (seed: just over 0.5)", "ModelRSquared"),
        ("IDACI alone (seed: 0.31)", "IdaciRSquared"),
        ("Expected spend per head, lowest council (£; seed £334)", "ExpectedLow"),
        ("Expected spend per head, highest council (£; seed £883)", "ExpectedHigh"),
        ("Chosen council", "CouncilName"),
        ("Its expected spend per head (£)", "ExpectedSpend"),
        ("Its gap, actual minus expected (£)", "SpendGap"),
        ("Its nearest council on the drivers", "Neighbour1"),
    ),
)
