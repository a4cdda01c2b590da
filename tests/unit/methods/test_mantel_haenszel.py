"""Tests of evidence_book.methods.mantel_haenszel on a hand-worked example (Cochrane Handbook formulas)."""
from __future__ import annotations

import math

import pytest

from evidence_book.methods.mantel_haenszel import mantel_haenszel

# two trials: (events, n) treated, (events, n) control
TABLES = [(10, 50, 20, 50), (5, 40, 8, 35)]


def test_mh_risk_ratio_by_hand():
    num = den = var_num = 0.0
    for a, n1, c, n2 in TABLES:
        n = n1 + n2
        num += a * n2 / n
        den += c * n1 / n
        var_num += (n1 * n2 * (a + c) - a * c * n) / n**2
    rr = num / den  # 10·50/100 + 5·35/75 = 7.3333 over 20·50/100 + 8·40/75 = 14.2667
    assert rr == pytest.approx(7.33333 / 14.26667, rel=1e-5)
    se = math.sqrt(var_num / (num * den))
    r = mantel_haenszel(*zip(*TABLES), measure="RR")
    assert math.exp(r["mu"]) == pytest.approx(rr, rel=1e-12)
    assert r["se"] == pytest.approx(se, rel=1e-12)
    assert r["weights"] == pytest.approx([100 * 10 / 14.26667, 100 * 4.26667 / 14.26667], rel=1e-4)


def test_mh_odds_ratio_by_hand_robins_breslow_greenland():
    R = S = PR = PSQR = QS = 0.0
    for a, n1, c, n2 in TABLES:
        b, d, n = n1 - a, n2 - c, n1 + n2
        r_, s_ = a * d / n, b * c / n
        p, q = (a + d) / n, (b + c) / n
        R, S = R + r_, S + s_
        PR, PSQR, QS = PR + p * r_, PSQR + p * s_ + q * r_, QS + q * s_
    var = PR / (2 * R**2) + PSQR / (2 * R * S) + QS / (2 * S**2)
    r = mantel_haenszel(*zip(*TABLES), measure="OR")
    assert math.exp(r["mu"]) == pytest.approx(R / S, rel=1e-10)
    assert r["se"] == pytest.approx(math.sqrt(var), rel=1e-10)


def test_double_zero_study_is_dropped_and_rd_refused():
    r = mantel_haenszel([10, 5, 0], [50, 40, 30], [20, 8, 0], [50, 35, 30], measure="RR")
    assert r["k"] == 2 and r["included"] == [True, True, False]
    with pytest.raises(ValueError):
        mantel_haenszel([1, 2], [10, 10], [2, 3], [10, 10], measure="RD")
