"""The PRISMA page's box links: only boxes whose records the data name link; the others say so."""
from __future__ import annotations

import pandas as pd

from evidence_book.reviews.selection import box_links


def test_box_links_link_named_records_and_explain_the_others():
    prisma = pd.DataFrame({"stage": ["records_screened", "reports_sought", "studies_included"],
                           "count": pd.array([70, None, 13], dtype="Int64"), "note": ["", "", ""]})
    boxes = box_links(prisma, {"studies_included": "nerve-studies.html#t-studies"})
    assert boxes["prisma:studies_included"] == ("nerve-studies.html#t-studies", "Studies included (n = 13): open the list of them")
    assert boxes["prisma:records_screened"] == (None, "Records screened (n = 70): the review does not name these records")
    assert boxes["prisma:reports_sought"][1] == "Reports sought (not reported): the review does not name these records"
    assert boxes["prisma:records_identified"] == (None, "Records identified: the review does not name these records")
    assert all(url is None for gid, (url, _) in boxes.items() if gid != "prisma:studies_included")
