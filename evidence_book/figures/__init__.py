"""Figure routines: one module per kind of figure; each takes DataFrames and returns Figure(s)."""
