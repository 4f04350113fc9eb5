"""DESIGN.md's dependency direction, checked on the source: ``staff`` is the one module above
the others (nothing imports it but the app factory and the few files listed below), ``demo``
is imported only by the CLI, and no service, query or model imports from views."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "community"

#: Files allowed to import staff, and why.
STAFF_IMPORTERS = {
    "__init__.py": "the app factory registers every blueprint and command",
    "demo/indicators.py": "the demo seeds the indicators' goals through staff's services",
    "profiles/padron_views.py": "the padrón import's pages are staff pages, on staff's blueprint",
}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _is_view(path: Path) -> bool:
    """Routes (views, the JSON API) may share helpers; a package's __init__ imports its
    views (DESIGN.md). Everything else (services, queries, models) must not."""
    return path.name in ("__init__.py", "api.py") or path.stem.endswith("views")


def _sources():
    return sorted(p for p in PACKAGE.rglob("*.py") if "translations" not in p.parts)


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_dependency_direction(path):
    name = str(path.relative_to(PACKAGE))
    imports = _imports(path)
    if not name.startswith("staff/") and name not in STAFF_IMPORTERS:
        assert not any(i == "community.staff" or i.startswith("community.staff.")
                       for i in imports), f"{name} imports staff (DESIGN.md: nothing does)"
    if not name.startswith("demo/") and name != "__init__.py":
        assert not any(i.startswith("community.demo") for i in imports), \
            f"{name} imports the demo data (only the CLI may)"
    if not _is_view(path):
        assert not any(i.endswith(".views") or ".views." in i or i.endswith("_views")
                       for i in imports), f"{name} imports from views"
