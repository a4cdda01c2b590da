"""The fixture the data tests share: a book root holding the data files a test writes."""
import pytest


@pytest.fixture
def book_with(tmp_path):
    """`book_with(rel, text, root=tmp_path)`: write one data file under `root` (and a sections.yml,
    enough for `load_table` to find the book) and return the root."""
    def write(rel: str, text: str, root=tmp_path):
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        (root / "sections.yml").write_text("sections: []\n")
        return root

    return write
