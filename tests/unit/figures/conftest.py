"""Every figure test closes what it drew (one place for the fixture the figure tests share)."""
import matplotlib.pyplot as plt
import pytest


@pytest.fixture(autouse=True)
def close_all_figures():
    yield
    plt.close("all")
