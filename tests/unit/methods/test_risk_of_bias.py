"""Tests of evidence_book.methods.risk_of_bias (robvis layout, spelling, weighted shares)."""
from __future__ import annotations

import pandas as pd
import pytest

from evidence_book.methods.risk_of_bias import canonical_judgement, detect_tool, judgement_shares, robvis_long


def test_robvis_wide_table_to_long_and_tool_detection():
    wide = pd.DataFrame({"Study": ["S1", "S2"], "D1": ["Low", "some concerns"], "D2": ["High", "No information"],
                         "Overall": ["High", "Some concerns"], "Weight": [100, 300]})
    long, tool = robvis_long(wide)
    assert tool == "RoB 2" and len(long) == 6
    assert list(long["domain"].unique()) == ["D1", "D2", "Overall"]
    assert long.loc[1, "judgement"] == "High" and long.loc[3, "judgement"] == "Some concerns"
    shares = judgement_shares(long, weight="weight", order=["Low", "Some concerns", "High", "No information"])
    assert shares.loc["Overall", "Some concerns"] == pytest.approx(75.0)
    assert shares.loc["D1", "Low"] == pytest.approx(25.0)


def test_robins_i_and_bad_values():
    wide = pd.DataFrame({"Study": ["S1"], "D1": ["Serious"], "D2": ["Critical"], "Overall": ["Critical"]})
    assert robvis_long(wide)[1] == "ROBINS-I"
    assert canonical_judgement("not applicable") == "not_applicable"
    with pytest.raises(ValueError):
        canonical_judgement("Serious", "RoB 2")
    with pytest.raises(ValueError):
        detect_tool(["Serious", "Some concerns"])
