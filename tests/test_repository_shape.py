"""The Repository's shape: it is one class over composed pieces, so no
placeholder method can stand in for (or shadow) a real one, and every
public method it offers runs real code."""

import ast
import inspect
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import leadtui.repository
from leadtui.repository import Repository

PACKAGE = Path(leadtui.repository.__file__).parent


def _is_placeholder(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A body that only raises NotImplementedError (after any docstring)."""
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    raised = body[0].exc
    name = raised.func if isinstance(raised, ast.Call) else raised
    return isinstance(name, ast.Name) and name.id == "NotImplementedError"


def _is_empty(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A placeholder, or a body of only `...`, `pass` and a docstring."""
    trivial = all(
        isinstance(statement, ast.Pass)
        or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
        for statement in function.body
    )
    return trivial or _is_placeholder(function)


def _methods(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    return [
        (f"{node.name}.{item.name}", item)
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        for item in node.body
        if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def _parsed(function: Callable[..., Any]) -> ast.FunctionDef | ast.AsyncFunctionDef:
    node = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    return node


def test_the_detectors_recognise_a_placeholder_and_an_empty_body() -> None:
    stubs = ast.parse(
        "class A:\n"
        "    def f(self) -> None:\n        raise NotImplementedError  # B's\n"
        "    def g(self) -> None:\n        '''Doc.'''\n        raise NotImplementedError('x')\n"
        "    def h(self) -> None: ...\n"
        "    def i(self) -> int:\n        return 1\n"
    )
    found = {name: (_is_placeholder(f), _is_empty(f)) for name, f in _methods(stubs)}
    assert found == {
        "A.f": (True, True),
        "A.g": (True, True),
        "A.h": (False, True),
        "A.i": (False, False),
    }


def test_no_class_in_the_repository_package_declares_a_placeholder_method() -> None:
    checked = 0
    placeholders = []
    for module in sorted(PACKAGE.glob("*.py")):
        for name, function in _methods(ast.parse(module.read_text(encoding="utf-8"))):
            checked += 1
            if _is_placeholder(function):
                placeholders.append(f"{module.name}: {name}")
    assert checked > 50  # the walk did reach the pieces' methods
    assert placeholders == []


def test_the_repository_inherits_nothing_a_base_order_could_shadow() -> None:
    assert Repository.__mro__ == (Repository, object)


def test_every_public_repository_method_resolves_to_real_code(tmp_path: Path) -> None:
    repo = Repository(tmp_path / "leads.db")
    public = [name for name in dir(Repository) if not name.startswith("_")]
    assert {"advance", "kpi_report", "import_leads", "undo", "rules", "search"} <= set(public)
    for name in public:
        declared = inspect.getattr_static(Repository, name)
        if isinstance(declared, property):
            assert declared.fget is not None, name
            function: Callable[..., Any] = declared.fget
        else:
            value = getattr(repo, name)
            assert inspect.ismethod(value), name
            function = value.__func__
            # Bound to the Repository or to one of its own pieces.
            assert value.__self__ is repo or value.__self__ in vars(repo).values(), name
        assert function.__name__ == name, f"{name} runs {function.__qualname__}"
        assert function.__module__.startswith("leadtui.repository."), name
        assert not _is_empty(_parsed(function)), f"{name} runs a placeholder"
