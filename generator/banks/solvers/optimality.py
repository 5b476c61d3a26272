"""Solvers: minima under an inequality constraint (KKT).

A convex quadratic f minimised subject to one linear inequality g <= 0: either the
unconstrained minimiser is feasible (the constraint is inactive, multiplier 0) or the
minimum lies on the line g = 0 (active, multiplier mu >= 0 with grad f + mu grad g = 0).
"""

from __future__ import annotations

import sympy

from generator.banks.solvers.registry import register
from generator.errors import DeriveError

__all__ = ["kkt_minimum", "kkt_multiplier"]


def _stationary(equations, unknowns) -> dict:
    solution = sympy.solve(equations, unknowns, dict=True)
    if len(solution) != 1 or any(v.free_symbols for v in solution[0].values()):
        raise DeriveError("kkt: the stationarity equations have no unique solution "
                          "(f must be a strictly convex quadratic, g linear)")
    return solution[0]


@register
def kkt_minimum(f, g, wrt):
    """The minimiser (a column) of the convex quadratic ``f`` subject to ``g <= 0``."""
    free = _stationary([sympy.diff(f, v) for v in wrt], list(wrt))
    if g.subs(free) <= 0:
        return sympy.Matrix([free[v] for v in wrt])
    mu = sympy.Dummy("mu")
    active = _stationary([sympy.diff(f, v) + mu * sympy.diff(g, v) for v in wrt] + [g],
                         [*wrt, mu])
    return sympy.Matrix([active[v] for v in wrt])


@register
def kkt_multiplier(f, g, wrt, point):
    """The multiplier mu >= 0 of ``g <= 0`` at the minimiser ``point``: 0 when the
    constraint is inactive there, else the mu with grad f + mu grad g = 0."""
    at = dict(zip(wrt, list(point)))
    if g.subs(at) < 0:
        return sympy.Integer(0)
    gf = [sympy.diff(f, v).subs(at) for v in wrt]
    gg = [sympy.diff(g, v).subs(at) for v in wrt]
    return sympy.simplify(-sum(a * b for a, b in zip(gf, gg)) / sum(b * b for b in gg))
