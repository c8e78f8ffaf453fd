"""Template ``unit_costs.xlsx``: weekly unit cost per child in need and rates per 10,000.

Filled with synthetic example councils (clearly labelled); a council replaces the yellow
cells with its own outturn and census figures.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from . import Template
from ._layout import (
    INPUT_FILL,
    MONEY,
    MONEY_2DP,
    OUTPUT_FILL,
    RATE,
    define,
    header_row,
    new_workbook,
    note,
)

#: Synthetic example councils: (name, spend on social work £, children in need, LAC, 0-17 pop).
EXAMPLES = (
    ("Example Borough A", 5_000_000, 1_000, 345, 41_000),
    ("Example County B", 21_400_000, 3_950, 720, 118_500),
    ("Example City C", 12_750_000, 2_610, 530, 62_300),
    ("Example District D", 3_180_000, 780, 140, 29_800),
)


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
    sheet["A1"] = "Unit costs per child (synthetic example councils)"
    sheet["A1"].font = Font(bold=True, size=13)
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
    for col in "BCDE":
        sheet[f"{col}{total}"] = f"=SUM({col}{first}:{col}{last})"
        sheet[f"{col}{total}"].number_format = MONEY if col == "B" else "#,##0"
    sheet[f"F{total}"] = f"=UNIT_COST(B{total},C{total})"
    sheet[f"F{total}"].number_format = MONEY_2DP
    sheet[f"G{total}"] = f'=UNIT_COST(B{total},C{total},"year")'
    sheet[f"G{total}"].number_format = MONEY
    sheet[f"H{total}"] = f"=LAC_RATE(D{total},E{total})"
    sheet[f"H{total}"].number_format = RATE
    sheet[f"A{total + 1}"] = "Highest weekly unit cost"
    sheet[f"F{total + 1}"] = f"=MAX(F{first}:F{last})"
    sheet[f"F{total + 1}"].number_format = MONEY_2DP
    for col in "ABCDEFGH":
        sheet[f"{col}{total}"].font = Font(bold=True)
    note(
        sheet,
        f"A{total + 3}",
        "England 2012-16: weekly unit cost per child in need ranged £28 to £510, mean £108.",
    )
    sheet.column_dimensions["A"].width = 26
    for col in "BCDEFGH":
        sheet.column_dimensions[col].width = 17
    sheet.freeze_panes = "B4"
    define(workbook, "AllWeeklyUnitCost", sheet, f"F{total}")
    define(workbook, "AllLacRate", sheet, f"H{total}")
    define(workbook, "HighestWeeklyUnitCost", sheet, f"F{total + 1}")
    workbook.active = 1
    return workbook


TEMPLATE = Template(
    filename="unit_costs.xlsx",
    title="Unit costs and rates",
    build=build,
    headlines=(
        ("Weekly unit cost per child in need, all example councils (£)", "AllWeeklyUnitCost"),
        ("Highest weekly unit cost (£)", "HighestWeeklyUnitCost"),
        ("Looked-after children per 10,000, all example councils", "AllLacRate"),
    ),
)
