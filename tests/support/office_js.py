"""xlwings' Office.js call path (xlwings Lite, xlwings Server), run in a fresh interpreter.

``python -m tests.support.office_js`` reads a JSON list of calls on stdin, each
``{"name": ..., "args": [...]}`` with the arguments as Excel's Office.js custom-function
runtime sends them (every parameter a 2-D list, an omitted optional argument ``null``), and
writes JSON to stdout: the metadata xlwings registers for ``xlfuncs.udfs``
(``custom_functions_meta``) and, for each call, what ``custom_functions_call`` returned or the
message of what it raised. The environment must have ``XLWINGS_ON_SERVER=true`` (set here
before xlwings is imported) and a licence key (``noncommercial`` for tests); xlwings'
Office.js module is licensed noncommercial / PRO, so it is used in tests only.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys


def main() -> int:
    # Set before xlwings is imported, and only when run as a program: importing this module
    # (as test collection does) must not switch the test process's xlwings to Office.js.
    os.environ.setdefault("XLWINGS_ON_SERVER", "true")
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings
    from xlwings.server import custom_functions_call, custom_functions_meta

    import xlfuncs.udfs as module

    calls = json.load(sys.stdin)
    out = {"meta": custom_functions_meta(module), "results": []}

    async def run_all():
        for call in calls:
            data = {
                "func_name": call["name"],
                "args": call["args"],
                "version": xlwings.__version__,
                "client": "Office.js",
                "runtime": "1.4",
                "culture_info_name": "en-GB",
                "date_format": "dd/mm/yyyy",
            }
            try:
                result = await custom_functions_call(data, module)
                out["results"].append({"value": result})
            except Exception as exc:  # noqa: BLE001 - what Excel would show on hover
                out["results"].append({"raised": str(exc)})

    asyncio.run(run_all())
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
