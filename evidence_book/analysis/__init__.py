"""Statistics of the evidence book: descriptive counts, JBI scores, vote counting, effect sizes, pooling.

Every function takes DataFrames or values and returns DataFrames, dicts or values; none reads
files, prints or plots.

- `describe`  totals, tallies and ranges of study characteristics
- `quality`   JBI scores recounted from item answers; threshold sensitivity
- `votes`     SWiM vote counting on direction of effect, Wilson CI, sign test
- `effects`   RR / OR / RD from 2×2 counts, Hedges' g, inverse-variance pooling
"""
from evidence_book.analysis.describe import count_by, instrument_counts, range_of, totals
from evidence_book.analysis.effects import binary_effects, continuous_effects, pool, smd, two_by_two
from evidence_book.analysis.quality import below_threshold, jbi_scores, threshold_sensitivity
from evidence_book.analysis.votes import direction_from_counts, study_directions, vote_count

__all__ = [
    "below_threshold", "binary_effects", "continuous_effects", "count_by", "direction_from_counts",
    "instrument_counts", "jbi_scores", "pool", "range_of", "smd", "study_directions",
    "threshold_sensitivity", "totals", "two_by_two", "vote_count",
]
