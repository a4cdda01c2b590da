"""General methods of evidence synthesis: DataFrames in, DataFrames or values out.

No module here reads files, prints, plots or knows a review, a page or a section.

- `describe`     totals, tallies and ranges of study characteristics
- `quality`      critical-appraisal scores recounted from item answers; threshold sensitivity
- `votes`        SWiM vote counting on direction of effect, Wilson CI, sign test
- `effects`      RR / OR / RD from 2×2 counts, Hedges' g, inverse-variance pooling
- `audit_rules`  recompute a claimed number from tables and compare it with the claim
"""
