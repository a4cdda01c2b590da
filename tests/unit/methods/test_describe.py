"""Tests of evidence_book.methods.describe."""
from __future__ import annotations

import pandas as pd
import pytest
from evidence_book.methods.describe import count_by, instrument_counts, range_of, totals


def _studies():
    return pd.DataFrame({
        "study_id": pd.array(["a2020", "b2021", "c2022"], dtype="string"),
        "first_author": pd.array(["A", "B", "C"], dtype="string"),
        "year": pd.array([2020, 2021, 2022], dtype="Int64"),
        "n_animals": pd.array([10, 20, pd.NA], dtype="Int64"),
        "sex": pd.array(["male", "male", pd.NA], dtype="string"),
        "weight_min_g": pd.array([200, pd.NA, 180], dtype="Float64"),
        "weight_max_g": pd.array([250, 300, pd.NA], dtype="Float64"),
        "jbi_score_stated": pd.array([3, 2, pd.NA], dtype="Int64"),
    })


def test_describe_counts():
    s = _studies()
    assert totals(s) == {"n_studies": 3, "n_animals": 30, "n_animals_reported": 2}
    c = count_by(s, "sex")
    assert list(c["value"].iloc[:1]) == ["male"]
    assert (c.loc[0, "n_studies"], c.loc[0, "n_animals"]) == (2, 30)
    assert c.loc[0, "percent"] == pytest.approx(200 / 3)
    assert pd.isna(c.loc[1, "value"]) and c.loc[1, "n_studies"] == 1 and pd.isna(c.loc[1, "n_animals"])
    assert range_of(s, "weight_min_g", "weight_max_g") == (180, 300, 3)
    o = pd.DataFrame({"study_id": ["a", "a", "b", "c"], "domain": ["functional"] * 3 + ["histological"],
                      "measure": ["SFI", "SFI", "SFI", "axon count"]})
    ic = instrument_counts(o)
    assert (ic.loc[0, "measure"], ic.loc[0, "n_studies"]) == ("SFI", 2)
    assert ic.loc[1, "n_studies"] == 1
