"""General methods of evidence synthesis: DataFrames in, DataFrames or values out.

No module here reads files, prints, plots or knows a review, a page or a section.

- `describe`     totals, tallies and ranges of study characteristics
- `quality`      critical-appraisal scores recounted from item answers; threshold sensitivity
- `votes`        SWiM vote counting on direction of effect, Wilson CI, sign test
- `effects`      RR / OR / RD from 2×2 counts, Hedges' g, `pool` (inverse variance)
- `meta`         REML / DL / PM / FE pooling, Wald or HKSJ CI, prediction interval, Q-profile CI of τ²
- `mantel_haenszel`  Mantel–Haenszel RR / OR
- `pooling`      2×2 counts → pooled summary and study table; leave-one-out; subgroups
- `audit_rules`  recompute a claimed number from tables and compare it with the claim
"""
