"""Tests of the `python -m evidence_book meta` command (run as a subprocess, as an analyst would)."""
from __future__ import annotations

import csv
import json
import math
import subprocess
import sys

import pytest

from conftest import REPO
from evidence_book.methods.effects import binary_effects
from evidence_book.methods.meta import meta_analysis

BCG = [(4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
       (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
       (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
       (27, 16886, 29, 17825)]  # dat.bcg: tpos, tneg, cpos, cneg


def _run(*args):
    return subprocess.run([sys.executable, "-m", "evidence_book", "meta", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def bcg_csv(tmp_path):
    path = tmp_path / "bcg.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["study", "events_treated", "n_treated", "events_control", "n_control"])
        for i, (a, b, c, d) in enumerate(BCG, start=1):
            w.writerow([f"trial {i}", a, a + b, c, c + d])
    return path


def test_reml_wald_reproduces_metafor_and_the_library(bcg_csv):
    p = _run(bcg_csv, "--measure", "RR", "--method", "REML", "--ci", "wald")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert (out["k"], out["measure"], out["method"], out["ci_method"]) == (13, "RR", "REML", "wald")
    assert out["estimate"] == pytest.approx(0.4894, abs=1e-4)  # metafor
    assert (out["ci_low"], out["ci_high"]) == (pytest.approx(0.3441, abs=1e-4), pytest.approx(0.6962, abs=1e-4))
    assert out["tau2"] == pytest.approx(0.3132, abs=1e-4)
    assert out["q"] == pytest.approx(152.23, abs=0.01) and out["i2"] == pytest.approx(92.12, abs=0.01)
    assert len(out["studies"]) == 13 and sum(s["weight"] for s in out["studies"]) == pytest.approx(100, abs=1e-4)
    eff = binary_effects(_frame(), "RR", "events_treated", "n_treated", "events_control", "n_control")
    lib = meta_analysis(eff["yi"].to_numpy(float), eff["vi"].to_numpy(float), "REML", "wald")
    assert out["pi_low"] == pytest.approx(math.exp(lib["pi_low"]), rel=1e-6)
    assert [s["weight"] for s in out["studies"]] == pytest.approx(lib["weights"], rel=1e-6)
    assert out["studies"][0]["estimate"] == pytest.approx((4 / 123) / (11 / 139), rel=1e-6)


def _frame():
    import pandas as pd
    return pd.DataFrame([(a, a + b, c, c + d) for a, b, c, d in BCG],
                        columns=["events_treated", "n_treated", "events_control", "n_control"])


def test_default_ci_is_hksj_and_dl_matches_metafor(bcg_csv):
    out = json.loads(_run(bcg_csv, "--method", "DL").stdout)
    assert out["ci_method"] == "hksj" and out["tau2"] == pytest.approx(0.3088, abs=1e-4)
    assert out["estimate"] == pytest.approx(math.exp(-0.7141), abs=1e-4)


def test_mh_odds_ratio_runs(bcg_csv):
    out = json.loads(_run(bcg_csv, "--measure", "or", "--method", "mh").stdout)
    assert out["method"] == "MH" and out["tau2"] is None and out["pi_low"] is None and out["estimate"] < 1


@pytest.mark.parametrize("body, message", [
    ("study,events_treated,n_treated,events_control\nA,1,10,2\n", "row 1 (header): missing column(s) n_control"),
    ("study,events_treated,n_treated,events_control,n_control\nA,1,10,2,10\nB,-1,10,2,10\n",
     "row 3, column events_treated: negative count -1"),
    ("study,events_treated,n_treated,events_control,n_control\nA,1,10,12,10\n",
     "row 2, column events_control: 12 events > n_control 10"),
    ("study,events_treated,n_treated,events_control,n_control\nA,1,10,x,10\n",
     "row 2, column events_control: 'x' is not a whole number"),
])
def test_bad_rows_are_named_without_traceback(tmp_path, body, message):
    path = tmp_path / "bad.csv"
    path.write_text(body)
    p = _run(path, "--method", "REML")
    assert p.returncode == 1
    assert f"{path}, {message}" in p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""


def test_hksj_with_fixed_effect_is_refused(bcg_csv):
    p = _run(bcg_csv, "--method", "FE", "--ci", "hksj")
    assert p.returncode == 1 and "HKSJ" in p.stderr and "Traceback" not in p.stderr
