"""Template ``unit_costs.xlsx``: unit costs per child, placement costs, process costing.

Sheets: the LAIT weekly unit cost per child in need and rates per 10,000 (synthetic example
councils); weekly and annual placement costs from spend and weeks of care, re-priced with a
price index; and the CCFR bottom-up cost of one child's care history (staff time per process x
hourly cost, plus overheads, plus placement fees). Every figure is a synthetic example,
clearly labelled; a council replaces the yellow cells with its own.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from xlfuncs.templates import Template
from xlfuncs.templates._layout import (
    INPUT_FILL,
    MONEY,
    MONEY_2DP,
    OUTPUT_FILL,
    RATE,
    define,
    header_row,
    new_workbook,
    note,
    sheet_title,
)

#: Synthetic example councils: (name, spend on social work £, children in need, LAC, 0-17 pop).
EXAMPLES = (
    ("Example Borough A", 5_000_000, 1_000, 345, 41_000),
    ("Example County B", 21_400_000, 3_950, 720, 118_500),
    ("Example City C", 12_750_000, 2_610, 530, 62_300),
    ("Example District D", 3_180_000, 780, 140, 29_800),
)


def _unit_cost_chart(sheet, first: int, last: int, anchor: str) -> None:
    """Weekly unit cost per child in need, council by council, against England's 2012-16 mean."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.type = "bar"
    chart.title = "Weekly unit cost per child in need (£)"
    chart.legend = None
    chart.height, chart.width = 7, 16
    chart.add_data(Reference(sheet, min_col=6, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(sheet, min_col=1, min_row=first, max_row=last))
    chart.x_axis.title = None
    chart.y_axis.title = "£ a week (England 2012-16 mean: £108)"
    sheet.add_chart(chart, anchor)


def build() -> Workbook:
    workbook = new_workbook(
        "Unit costs and rates",
        "Weekly unit cost of social work per child in need (DfE LAIT method) and rates of "
        "children looked after per 10,000 children. The example councils are SYNTHETIC: "
        "replace the yellow cells with your outturn / s251 spend and census counts.",
        [
            "LAIT unit cost: (spend / children in need) / 365 x 7 (What Works Centre / CASCADE 2018, Appendix B)",
            "Rate per 10,000 = count / population aged 0-17 x 10,000 (same report)",
        ],
    )
    sheet = workbook.create_sheet("Unit costs")
    sheet_title(sheet, "Unit costs per child (synthetic example councils)")
    header_row(
        sheet,
        3,
        [
            "Council",
            "Spend on social work (£)",
            "Children in need at 31 March",
            "Looked-after children",
            "Population aged 0-17",
            "Weekly unit cost per CiN (£)",
            "Annual cost per CiN (£)",
            "LAC per 10,000",
        ],
    )
    first = 4
    for offset, (name, spend, cin, lac, population) in enumerate(EXAMPLES):
        row = first + offset
        sheet.cell(row=row, column=1, value=name)
        for col, value in zip((2, 3, 4, 5), (spend, cin, lac, population), strict=True):
            cell = sheet.cell(row=row, column=col, value=value)
            cell.fill = INPUT_FILL
            cell.number_format = MONEY if col == 2 else "#,##0"
        weekly = sheet.cell(row=row, column=6, value=f"=UNIT_COST(B{row},C{row})")
        weekly.number_format = MONEY_2DP
        annual = sheet.cell(row=row, column=7, value=f'=UNIT_COST(B{row},C{row},"year")')
        annual.number_format = MONEY
        rate = sheet.cell(row=row, column=8, value=f"=LAC_RATE(D{row},E{row})")
        rate.number_format = RATE
        for col in (6, 7, 8):
            sheet.cell(row=row, column=col).fill = OUTPUT_FILL
    last = first + len(EXAMPLES) - 1
    total = last + 1
    sheet.cell(row=total, column=1, value="All example councils")
    for letter in "BCDE":
        sheet[f"{letter}{total}"] = f"=SUM({letter}{first}:{letter}{last})"
        sheet[f"{letter}{total}"].number_format = MONEY if letter == "B" else "#,##0"
    sheet[f"F{total}"] = f"=UNIT_COST(B{total},C{total})"
    sheet[f"F{total}"].number_format = MONEY_2DP
    sheet[f"G{total}"] = f'=UNIT_COST(B{total},C{total},"year")'
    sheet[f"G{total}"].number_format = MONEY
    sheet[f"H{total}"] = f"=LAC_RATE(D{total},E{total})"
    sheet[f"H{total}"].number_format = RATE
    sheet[f"A{total + 1}"] = "Highest weekly unit cost"
    sheet[f"F{total + 1}"] = f"=MAX(F{first}:F{last})"
    sheet[f"F{total + 1}"].number_format = MONEY_2DP
    for letter in "ABCDEFGH":
        sheet[f"{letter}{total}"].font = Font(bold=True)
    note(
        sheet,
        f"A{total + 3}",
        "England 2012-16: weekly unit cost per child in need ranged £28 to £510, mean £108.",
    )
    sheet.column_dimensions["A"].width = 26
    for letter in "BCDEFGH":
        sheet.column_dimensions[letter].width = 17
    sheet.freeze_panes = "B4"
    _unit_cost_chart(sheet, first, last, anchor=f"A{total + 5}")
    define(workbook, "AllWeeklyUnitCost", sheet, f"F{total}")
    define(workbook, "AllLacRate", sheet, f"H{total}")
    define(workbook, "HighestWeeklyUnitCost", sheet, f"F{total + 1}")
    _placement_sheet(workbook)
    _process_sheet(workbook)
    workbook.active = 1
    return workbook


#: Synthetic placement lines: (placement type, spend in the year £, weeks of care provided).
PLACEMENTS = (
    ("In-house fostering", 3_900_000, 6_500),
    ("Independent fostering agency", 4_420_000, 5_200),
    ("Council children's home", 3_120_000, 1_040),
    ("External residential", 5_720_000, 1_300),
    ("Supported accommodation (16+)", 1_040_000, 1_300),
)

#: An ILLUSTRATIVE price index (2016-17 = 100): replace it with HM Treasury's GDP deflator.
PRICE_INDEX = ((2017, 100.0), (2018, 101.8), (2019, 103.9), (2020, 106.1), (2021, 108.6),
               (2022, 111.1), (2023, 117.0), (2024, 124.0), (2025, 127.2))


def _placement_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("Placement costs")
    sheet_title(sheet, "Weekly and annual placement costs (synthetic example council)")
    note(
        sheet,
        "A2",
        "Weeks of care = days in placement in the year / 7. Reference points, 2016-17 prices: "
        "foster care about £600-650 a week, a council children's home about £3,000.",
    )
    header_row(
        sheet,
        4,
        [
            "Placement type",
            "Spend in the year (£)",
            "Weeks of care provided",
            "Weekly cost (£)",
            "Cost per child-year (£)",
            "Child-years of care",
            "Weekly cost at target-year prices (£)",
        ],
    )
    first = 5
    for offset, (kind, spend, weeks) in enumerate(PLACEMENTS):
        row = first + offset
        sheet.cell(row=row, column=1, value=kind)
        for col, value, fmt in ((2, spend, MONEY), (3, weeks, "#,##0")):
            cell = sheet.cell(row=row, column=col, value=value)
            cell.fill = INPUT_FILL
            cell.number_format = fmt
        sheet[f"D{row}"] = f"=UNIT_COST_WEEKLY(B{row},C{row})"
        sheet[f"E{row}"] = f"=UNIT_COST_CHILD_YEAR(B{row},C{row})"
        sheet[f"F{row}"] = f"=C{row}/(365/7)"
        sheet[f"G{row}"] = f"=UNIT_COST_UPRATE(D{row},$B$14,$B$15,$A$19:$A$27,$B$19:$B$27)"
        for letter, fmt in (("D", MONEY_2DP), ("E", MONEY), ("F", "0.0"), ("G", MONEY_2DP)):
            sheet[f"{letter}{row}"].number_format = fmt
            sheet[f"{letter}{row}"].fill = OUTPUT_FILL
    last = first + len(PLACEMENTS) - 1
    total = last + 1
    sheet[f"A{total}"] = "All placements"
    sheet[f"B{total}"] = f"=SUM(B{first}:B{last})"
    sheet[f"C{total}"] = f"=SUM(C{first}:C{last})"
    sheet[f"D{total}"] = f"=UNIT_COST_WEEKLY(B{total},C{total})"
    sheet[f"E{total}"] = f"=UNIT_COST_CHILD_YEAR(B{total},C{total})"
    sheet[f"F{total}"] = f"=C{total}/(365/7)"
    for letter, fmt in (("B", MONEY), ("C", "#,##0"), ("D", MONEY_2DP), ("E", MONEY), ("F", "0.0")):
        sheet[f"{letter}{total}"].number_format = fmt
        sheet[f"{letter}{total}"].font = Font(bold=True)
    define(workbook, "AverageWeeklyPlacementCost", sheet, f"D{total}")
    define(workbook, "CostPerChildYear", sheet, f"E{total}")

    sheet["A13"] = "Re-pricing"
    sheet["A13"].font = Font(bold=True)
    sheet["A14"] = "Prices of year"
    sheet["B14"] = 2017
    sheet["A15"] = "Express in the prices of year"
    sheet["B15"] = 2025
    for ref in ("B14", "B15"):
        sheet[ref].fill = INPUT_FILL
    header_row(sheet, 18, ["Year (ending March)", "Price index"])
    for offset, (year, price) in enumerate(PRICE_INDEX):
        row = 19 + offset
        sheet.cell(row=row, column=1, value=year).fill = INPUT_FILL
        cell = sheet.cell(row=row, column=2, value=price)
        cell.fill = INPUT_FILL
        cell.number_format = "0.0"
    note(
        sheet,
        "C18",
        "ILLUSTRATIVE index, not an official series: replace it with HM Treasury's GDP deflator.",
    )
    sheet.column_dimensions["A"].width = 32
    for letter in "BCDEFG":
        sheet.column_dimensions[letter].width = 17


#: Illustrative processes of a child's care (after the CCFR method): (process, social worker
#: hours, team manager hours, occurrences in the example child's history).
PROCESSES = (
    ("Decide the child needs care; find first placement", 24.0, 4.0, 1),
    ("Care planning", 10.0, 2.0, 1),
    ("Maintain the placement (per month)", 6.5, 0.5, 18),
    ("Statutory review", 5.0, 1.5, 4),
    ("Find a later placement", 14.0, 2.0, 1),
    ("Legal work (care proceedings)", 40.0, 8.0, 1),
    ("Leave care", 12.0, 2.0, 1),
)


def _process_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("Process costing")
    sheet_title(sheet, "Bottom-up cost of one child's care history (illustrative)")
    note(
        sheet,
        "A2",
        "CCFR method (Holmes): time per process x hourly staff cost, plus overheads, plus "
        "placement fees, summed over the child's history. Hours and costs are ILLUSTRATIVE: "
        "replace them with your own time study and PSSRU or local hourly costs.",
    )
    sheet["A4"] = "Hourly cost (£)"
    sheet["B3"] = "Social worker"
    sheet["C3"] = "Team manager"
    sheet["B4"] = 45.0
    sheet["C4"] = 60.0
    sheet["A5"] = "Overheads (fraction of staff cost)"
    sheet["B5"] = 0.2
    for ref in ("B4", "C4", "B5"):
        sheet[ref].fill = INPUT_FILL
    sheet["B4"].number_format = sheet["C4"].number_format = MONEY_2DP
    sheet["B5"].number_format = "0%"
    header_row(
        sheet,
        7,
        ["Process", "Social worker hours", "Team manager hours", "Cost per occurrence (£)",
         "Occurrences", "Cost in the history (£)"],
    )
    first = 8
    for offset, (process, worker, manager, times) in enumerate(PROCESSES):
        row = first + offset
        sheet.cell(row=row, column=1, value=process)
        for col, value in ((2, worker), (3, manager), (5, times)):
            sheet.cell(row=row, column=col, value=value).fill = INPUT_FILL
        sheet[f"D{row}"] = f"=UNIT_COST_PROCESS(B{row}:C{row},$B$4:$C$4,$B$5)"
        sheet[f"F{row}"] = f"=D{row}*E{row}"
        for letter in "DF":
            sheet[f"{letter}{row}"].number_format = MONEY_2DP
            sheet[f"{letter}{row}"].fill = OUTPUT_FILL
    last = first + len(PROCESSES) - 1
    placements = last + 2
    header_row(sheet, placements, ["Placement in the history", "Weeks", "Weekly fee (£)"])
    stays = (("In-house fostering", 40, 600.0), ("External residential", 12, 4400.0),
             ("In-house fostering (second)", 26, 600.0))
    for offset, (kind, weeks, fee) in enumerate(stays):
        row = placements + 1 + offset
        sheet.cell(row=row, column=1, value=kind)
        sheet.cell(row=row, column=2, value=weeks).fill = INPUT_FILL
        cell = sheet.cell(row=row, column=3, value=fee)
        cell.fill = INPUT_FILL
        cell.number_format = MONEY_2DP
    end = placements + len(stays)
    result = end + 2
    sheet[f"A{result}"] = "Social care processes (£)"
    sheet[f"B{result}"] = f"=SUM(F{first}:F{last})"
    sheet[f"A{result + 1}"] = "Placement fees (£)"
    sheet[f"B{result + 1}"] = f"=SUMPRODUCT(B{placements + 1}:B{end},C{placements + 1}:C{end})"
    sheet[f"A{result + 2}"] = "Cost of the child's care history (£)"
    sheet[f"B{result + 2}"] = (
        f"=UNIT_COST_HISTORY(D{first}:D{last},E{first}:E{last},"
        f"B{placements + 1}:B{end},C{placements + 1}:C{end})"
    )
    sheet[f"A{result + 2}"].font = Font(bold=True)
    for r in range(result, result + 3):
        sheet[f"B{r}"].number_format = MONEY
        sheet[f"B{r}"].fill = OUTPUT_FILL
    define(workbook, "ChildHistoryCost", sheet, f"B{result + 2}")
    sheet.column_dimensions["A"].width = 48
    for letter in "BCDEF":
        sheet.column_dimensions[letter].width = 17


TEMPLATE = Template(
    filename="unit_costs.xlsx",
    title="Unit costs and rates",
    build=build,
    headlines=(
        ("Weekly unit cost per child in need, all example councils (£)", "AllWeeklyUnitCost"),
        ("Highest weekly unit cost (£)", "HighestWeeklyUnitCost"),
        ("Looked-after children per 10,000, all example councils", "AllLacRate"),
        ("Average weekly placement cost, example council (£)", "AverageWeeklyPlacementCost"),
        ("Cost per child-year of care, example council (£)", "CostPerChildYear"),
        ("Cost of the example child's care history (£)", "ChildHistoryCost"),
    ),
)
