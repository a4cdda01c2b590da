"""Data: the schemas of `data/<review>/*.csv` and the one loader that reads and validates them."""
from evidence_book.data.loader import DataError, load_table, validate_all  # noqa: F401
