"""``community.demo`` is reachable only from the command line: no view, service or model imports
it, and a process that builds the app (a web worker) never loads the demo data."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import community

PACKAGE = Path(community.__file__).resolve().parent
DEMO = "community.demo"
# What a process that builds the app may load of the package: the commands, not the data.
LIGHT = {"community.demo", "community.demo.cli"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement (or ``import_module("...")``) may load."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = module.split(".") if is_package else module.split(".")[:-1]
            package = package[:len(package) - node.level + 1]
            base = ".".join([*package, *([base] if base else [])])
        return [base, *(f"{base}.{alias.name}" for alias in node.names)]
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
        called = node.func.attr if isinstance(node.func, ast.Attribute) else \
            getattr(node.func, "id", "")
        if called in ("import_module", "__import__") and isinstance(node.args[0].value, str):
            return [node.args[0].value]
    return []


def _names_demo(names: list[str]) -> bool:
    return any(name == DEMO or name.startswith(DEMO + ".") for name in names)


def _allowed_nodes(module: str, tree: ast.AST) -> set[int]:
    """The app factory's ``_register_cli`` is the one place outside the package that may."""
    if module != "community":
        return set()
    return {id(node) for function in ast.walk(tree)
            if isinstance(function, ast.FunctionDef) and function.name == "_register_cli"
            for node in ast.walk(function)}


def test_only_the_cli_registration_imports_community_demo():
    offenders, registrations = [], 0
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        if module == DEMO or module.startswith(DEMO + "."):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        allowed = _allowed_nodes(module, tree)
        for node in ast.walk(tree):
            if not _names_demo(_imported(node, module, path.name == "__init__.py")):
                continue
            if id(node) in allowed:
                registrations += 1
            else:
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert offenders == [], "only _register_cli in community/__init__.py may import community.demo"
    assert registrations == 1  # the check looks where it should


def test_the_import_check_sees_every_spelling():
    def check(source: str, module: str = "community.forums.views") -> bool:
        return any(_names_demo(_imported(node, module, False))
                   for node in ast.walk(ast.parse(source)))

    assert check("import community.demo.fake")
    assert check("from community.demo import fake")
    assert check("from community import demo")
    assert check("from ..demo import fake")
    assert check("from .. import demo")
    assert check("import_module('community.demo.events')")
    assert not check("from community.forums import services")
    assert not check("from . import demo_helpers")  # community.forums.demo_helpers


def test_building_the_app_loads_no_demo_data(tmp_path):
    """Every module of the package except the demo's, then the app with its commands: of
    ``community.demo`` only the package and its ``cli`` are loaded, not the data."""
    script = f"""
import importlib, json, pkgutil, sys
import community
from community import create_app
from community.config import TestConfig

for info in pkgutil.walk_packages(community.__path__, "community."):
    if not info.name.startswith("{DEMO}"):
        importlib.import_module(info.name)
create_app(TestConfig({str(tmp_path)!r}))
print(json.dumps(sorted(name for name in sys.modules if name.startswith("{DEMO}"))))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=PACKAGE.parent, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert loaded == LIGHT
