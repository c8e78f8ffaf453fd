"""Refusing circular references before calculation.

The ``formulas`` engine neither raises nor warns on a circular reference: the cells in the
cycle, and every cell downstream of them, are silently left out of the solution, so a
recalculated file would keep stale values; a workbook with one is refused, naming the cells of
one cycle. The compiled evaluator iterates a cycle as Excel does when the workbook switches
iterative calculation on (``<calcPr iterate="1">``, its count and maximum change), computes one
that is never followed at run time (an IF not taking the circular branch), and otherwise
refuses the workbook with the same message, as Excel warns of it.

The search is Tarjan's strongly connected components over the engine's dependency graph,
iterative so that a long chain of formulas cannot exhaust the stack: time and memory grow
linearly with the number of cells and formulas.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from xlfuncs.xlsx.package import WorkbookError

_CELL_NODE = re.compile(r"^'\[(?P<book>[^\]]+)\](?P<sheet>.+)'!(?P<ref>[A-Z]+\d+(?::[A-Z]+\d+)?)$")
#: Nodes the engine adds so that a range can be set as an input: not real dependencies.
_INVERSE = "INV("

_Node = TypeVar("_Node", bound=Hashable)


def strongly_connected(graph: Mapping[_Node, Iterable[_Node]]) -> list[list[_Node]]:
    """Strongly connected components of a directed graph that are cycles (two or more nodes,
    or one node with an edge to itself).

    >>> strongly_connected({"a": ["b"], "b": ["a", "c"], "c": [], "d": ["d"]})
    [['b', 'a'], ['d']]
    """
    index: dict[_Node, int] = {}
    low: dict[_Node, int] = {}
    on_stack: set[_Node] = set()
    stack: list[_Node] = []
    cycles: list[list[_Node]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(graph.get(succ, ()))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    cycles.append(component)
    return cycles


def dependency_graph(model: Any) -> dict[str, list[str]]:
    """The engine's graph of cells, ranges, names and formulas, without the edges it adds so
    that a range or a defined name can be set as an input (they point back at the cells the
    range or name is read from, and would look like cycles)."""
    import schedula as sh

    nodes = model.dsp.nodes
    inverse = set()
    for node, attrs in nodes.items():
        if not isinstance(node, str):
            continue
        if node.startswith(_INVERSE):
            inverse.add(node)
        elif attrs.get("type") == "function" and attrs.get("function") is sh.bypass:
            inputs, outputs = attrs.get("inputs") or [], attrs.get("outputs") or []
            if len(inputs) == 1 and set(outputs) <= set(nodes.get(inputs[0], {}).get("inv-data", ())):
                inverse.add(node)
    graph: dict[str, list[str]] = {}
    for node, targets in model.dsp.dmap.succ.items():
        if not isinstance(node, str) or node in inverse:
            continue
        graph[node] = [t for t in targets if isinstance(t, str) and t not in inverse]
    return graph


def _cell_label(node: str, titles: Mapping[str, str]) -> str | None:
    match = _CELL_NODE.match(node)
    if not match or ":" in match.group("ref"):
        return None
    sheet = match.group("sheet")
    return f"{titles.get(sheet.upper(), sheet)}!{match.group('ref')}"


def circular_cells(model: Any, sheet_titles: Iterable[str] = ()) -> list[str]:
    """Cells of one circular reference in a loaded ``formulas`` model (empty when none)."""
    titles = {title.upper(): title for title in sheet_titles}
    for component in strongly_connected(dependency_graph(model)):
        cells = sorted({c for c in (_cell_label(n, titles) for n in component) if c})
        if cells:
            return cells
    return []


def refuse_cycles(model: Any, path: str | Path, sheet_titles: Iterable[str] = ()) -> None:
    """Raise :class:`WorkbookError` naming the cells of a circular reference, if there is one."""
    cells = circular_cells(model, sheet_titles)
    if cells:
        raise cycle_error(path, cells)


def cycle_error(path: str | Path, cells: list[str]) -> WorkbookError:
    """The one message for a circular reference, whichever engine found it."""
    shown = ", ".join(cells[:5]) + (f" and {len(cells) - 5} more" if len(cells) > 5 else "")
    return WorkbookError(
        f"{path}: circular reference through {shown}; xlfuncs iterates a circular reference "
        "only where the workbook switches on iterative calculation, as Excel does: switch it on "
        "(File > Options > Formulas) or break the cycle"
    )
