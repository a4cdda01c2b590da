"""Secretome Evidence Book: data → analysis → figures → parameterised chapters → site.

Subpackages, one job each:
- ``evidence_book.data``     schemas, the one loader, validation errors naming file/row/column
- ``evidence_book.analysis`` counts, vote counting, effect sizes, pooling, the claims audit
- ``evidence_book.figures``  one module per kind of figure, shared style
- ``evidence_book.build``    section manifest, parameters, papermill runner, cache, staging, publish
"""

__version__ = "0.1.0"
