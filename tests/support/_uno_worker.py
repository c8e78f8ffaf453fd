"""Runs in the system Python (python3-uno): drives a listening soffice over UNO.

Reads one JSON command per line on stdin and answers one JSON line on stdout.
"""

import json
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def _prop(name, value):
    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def connect(port):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)


# LibreOffice's internal error numbers, as Excel shows them when saved to .xlsx.
ERRORS = {532: "#DIV/0!", 519: "#VALUE!", 502: "#NUM!", 503: "#NUM!", 504: "#VALUE!",
          524: "#REF!", 525: "#NAME?", 32767: "#N/A", 533: "#NULL!"}


def cell_value(cell):
    kind = cell.getType().value
    if kind == "EMPTY":
        return None
    if kind == "TEXT":
        return cell.getString()
    if kind == "FORMULA":
        code = cell.getError()
        if code:
            return ERRORS.get(code, "#VALUE!")
        if cell.FormulaResultType2 == 2:  # com.sun.star.sheet.FormulaResult.STRING
            return cell.getString()
        return cell.getValue()
    return cell.getValue()


def main():
    desktop = connect(int(sys.argv[1]))
    doc = None
    for line in sys.stdin:
        request = json.loads(line)
        command = request["command"]
        try:
            result = None
            if command == "load":
                url = uno.systemPathToFileUrl(request["path"])
                doc = desktop.loadComponentFromURL(url, "_blank", 0, (_prop("Hidden", True),))
                doc.calculateAll()
            elif command == "set":
                sheet = doc.Sheets.getByName(request["sheet"])
                for ref, value in request["values"].items():
                    cell = sheet.getCellRangeByName(ref)
                    if isinstance(value, str):
                        cell.setString(value)
                    else:
                        cell.setValue(value)
            elif command == "calculate":
                doc.calculate()
            elif command == "get":
                sheet = doc.Sheets.getByName(request["sheet"])
                result = [cell_value(sheet.getCellRangeByName(ref)) for ref in request["cells"]]
            elif command == "run":
                for sheet_name, values in request["inputs"]:
                    sheet = doc.Sheets.getByName(sheet_name)
                    for ref, value in values.items():
                        cell = sheet.getCellRangeByName(ref)
                        if isinstance(value, str):
                            cell.setString(value)
                        else:
                            cell.setValue(value)
                doc.calculate()
                result = []
                for sheet_name, refs in request["outputs"]:
                    sheet = doc.Sheets.getByName(sheet_name)
                    result.append([cell_value(sheet.getCellRangeByName(ref)) for ref in refs])
            elif command == "save":
                url = uno.systemPathToFileUrl(request["path"])
                doc.storeToURL(url, (_prop("FilterName", "Calc MS Excel 2007 XML"),))
            elif command == "close":
                if doc is not None:
                    doc.close(True)
                print(json.dumps({"result": None}), flush=True)
                break
            print(json.dumps({"result": result}), flush=True)
        except Exception as exc:
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)


if __name__ == "__main__":
    main()
