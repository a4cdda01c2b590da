"""The table of contents (`_toc.yml`), read once through `sphinx_external_toc` (Jupyter Book's own parser)."""
from __future__ import annotations

from pathlib import Path

from evidence_book.builder.errors import BuildError

TOC = "_toc.yml"


def read_toc(root: Path):
    """The parsed site map of ``root/_toc.yml``; a file that does not parse is a BuildError naming it."""
    import yaml
    from sphinx_external_toc.parsing import MalformedError, parse_toc_yaml

    path = Path(root) / TOC
    if not path.is_file():
        raise BuildError(f"{TOC}: not found in {root}")
    try:
        return parse_toc_yaml(path)
    except (MalformedError, yaml.YAMLError) as e:
        raise BuildError(f"{TOC}: {' '.join(str(e).split())}") from None


def toc_files(root: Path) -> list[str]:
    """Every page of `_toc.yml` (root first), as document names without extension."""
    return list(read_toc(root))


def with_titles(root: Path, titles: dict[str, str]) -> bytes:
    """`_toc.yml` with a title for each listed document that has none (e.g. from sections.yml)."""
    import yaml
    from sphinx_external_toc.parsing import create_toc_dict

    site_map = read_toc(root)
    for docname, title in titles.items():
        if docname in site_map and not site_map[docname].title:
            site_map[docname].title = title
    return yaml.safe_dump(create_toc_dict(site_map), sort_keys=False, allow_unicode=True).encode()
