"""Secretome Evidence Book: data → methods → review page models → figures → chapters → site.

Subpackages, one job each (see ARCHITECTURE.md for what each may import):
- ``evidence_book.data``     schemas, the one loader, the PRISMA flow model, validation errors
- ``evidence_book.methods``  general methods: counts, appraisal scores, vote counting, effect sizes,
                             pooling, audit rules; know no review
- ``evidence_book.reviews``  one page model per review page family; know their review
- ``evidence_book.figures``  one module per kind of figure; only draw
- ``evidence_book.builder``  sections, parameters, papermill runner, cache, staging, publish;
                             knows sections, never reviews
Small shared modules: ``env`` (builder ↔ kernel contract), ``hashing`` (what counts as a change),
``labels`` (what readers see), ``values`` (typing cell values), ``text`` (escaping), ``display``
(how chapters show things).
"""

__version__ = "0.1.0"
