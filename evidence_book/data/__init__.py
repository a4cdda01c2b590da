"""Data: the schemas of `data/<review>/*.csv` and the one loader that reads and validates them."""
from evidence_book.data.loader import load_table, validate_all  # noqa: F401
from evidence_book.data.raw import DataError  # noqa: F401
