"""docs/architecture.md is checked against the package's real imports (issue 23, item 5).

The imports are read by parsing every module of ``bayesreg/`` (``ast``), those inside functions
included; ``import bayesreg`` followed by ``bayesreg.name`` counts as an import of the module the
lazy table of ``bayesreg/__init__.py`` resolves ``name`` to. Checked against the page:

- the layer table names every module exactly once, and only modules that exist;
- no module imports one of a higher layer, except the deferred imports the page lists (and each
  listed one still exists);
- with those deferred imports set aside, there is no import circle;
- the modules that switch on a prior's type (``isinstance``/``issubclass``/``is`` against a prior
  class, or ``type(x).__name__`` compared with a prior class's name) are the ones the page lists;
- every module the fact table names (``design.py``, ``solvers/glm.py``, ``noise.parse_sigma``)
  exists, and so does every top-level name it gives as ``module.name``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "bayesreg"
DOC = ROOT / "docs" / "architecture.md"
TICKED = re.compile(r"`([^`]+)`")


# ------------------------------------------------------------------------------------------------
# the code
# ------------------------------------------------------------------------------------------------
def _modules() -> dict[str, Path]:
    """Dotted module name (relative to ``bayesreg``; a package by its folder, the root ``__init__``) -> file."""
    out = {}
    for f in sorted(PKG.rglob("*.py")):
        parts = f.relative_to(PKG).with_suffix("").parts
        name = ".".join(parts[:-1]) if parts[-1] == "__init__" else ".".join(parts)
        out[name or "__init__"] = f
    return out


MODULES = _modules()
TREES = {name: ast.parse(f.read_text(), filename=str(f)) for name, f in MODULES.items()}


def _lazy_table() -> dict[str, str]:
    """``bayesreg/__init__.py``'s ``_LAZY``: public name -> module (relative dotted name)."""
    for node in TREES["__init__"].body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "_LAZY" for t in node.targets):
            table = ast.literal_eval(node.value)
            return {k: v.removeprefix("bayesreg.") for k, v in table.items()}
    raise AssertionError("bayesreg/__init__.py has no _LAZY table")


def _package_of(name: str) -> list[str]:
    """The package a module's relative imports start from."""
    if name == "__init__":
        return []
    return name.split(".") if MODULES[name].name == "__init__.py" else name.split(".")[:-1]


def _imports(name: str) -> set[str]:
    """The package modules ``name`` imports, anywhere in its file."""
    tree, here, out = TREES[name], _package_of(name), set()
    lazy = None
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1] if node.level > 1 else list(here)
                mod = base + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "bayesreg":
                mod = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:  # `from .solvers import glm` imports the module solvers.glm
                sub = ".".join([*mod, alias.name])
                out.add(sub if sub in MODULES else ".".join(mod) or "__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "bayesreg":
                    out.add(".".join(parts[1:]) or "__init__")
    if "__init__" in out:  # `import bayesreg`, then `bayesreg.name`: the module the lazy table names
        lazy = _lazy_table()
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "bayesreg":
                if node.attr in lazy:
                    out.add(lazy[node.attr])
                elif node.attr in MODULES:
                    out.add(node.attr)
    out.discard(name)
    return out


IMPORTS = {name: _imports(name) for name in MODULES}

PRIOR_MODULE = "priors"


def _prior_classes() -> set[str]:
    """The coefficient priors: the classes of priors.py derived from ``Prior`` (not the base itself)."""
    derived = {"Prior"}
    changed = True
    classes = [n for n in TREES[PRIOR_MODULE].body if isinstance(n, ast.ClassDef)]
    while changed:
        changed = False
        for c in classes:
            if c.name not in derived and any(isinstance(b, ast.Name) and b.id in derived for b in c.bases):
                derived.add(c.name)
                changed = True
    return derived - {"Prior"}


PRIOR_CLASSES = _prior_classes()


def _prior_switches(name: str, tree: ast.Module | None = None) -> list[int]:
    """Lines of module ``name`` (or of ``tree``, read as that module) that switch on a prior's type."""
    tree = TREES[name] if tree is None else tree
    cls_names = set(PRIOR_CLASSES) if name == PRIOR_MODULE else set()
    mod_names = {"bayesreg"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[-1] == PRIOR_MODULE:
            cls_names |= {a.asname or a.name for a in node.names if a.name in PRIOR_CLASSES}
        if isinstance(node, ast.ImportFrom | ast.Import):
            last = {a: a.name.split(".")[-1] for a in node.names}
            mod_names |= {a.asname or last[a] for a in node.names if last[a] == PRIOR_MODULE}

    def is_cls(n) -> bool:
        if isinstance(n, ast.Name):
            return n.id in cls_names
        if isinstance(n, ast.Attribute):
            return n.attr in PRIOR_CLASSES and isinstance(n.value, ast.Name) and n.value.id in mod_names
        if isinstance(n, ast.Tuple):
            return any(is_cls(e) for e in n.elts)
        return False

    def is_typename(n) -> bool:  # type(x).__name__ or x.__class__.__name__
        if not (isinstance(n, ast.Attribute) and n.attr == "__name__"):
            return False
        v = n.value
        return (isinstance(v, ast.Call) and isinstance(v.func, ast.Name) and v.func.id == "type") or (
            isinstance(v, ast.Attribute) and v.attr == "__class__"
        )

    consts = {}  # module-level constants (PG_PRIORS = ("Gaussian", ...))
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                consts[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    typevars = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and is_typename(node.value)
                for t in node.targets if isinstance(t, ast.Name)}  # fmt: skip

    def names_a_prior(o) -> bool:
        if isinstance(o, ast.Tuple | ast.List | ast.Set):
            vals = tuple(e.value for e in o.elts if isinstance(e, ast.Constant))
        else:
            v = o.value if isinstance(o, ast.Constant) else consts.get(o.id) if isinstance(o, ast.Name) else None
            vals = tuple(v) if isinstance(v, tuple | list | set | frozenset) else (v,)
        return any(isinstance(x, str) and x in PRIOR_CLASSES for x in vals)

    def typed(o) -> bool:
        return is_typename(o) or (isinstance(o, ast.Name) and o.id in typevars)

    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("isinstance", "issubclass") and len(node.args) == 2 and is_cls(node.args[1]):
                lines.add(node.lineno)
        elif isinstance(node, ast.Compare):
            ops = [node.left, *node.comparators]
            if any(is_cls(o) for o in ops) or (any(typed(o) for o in ops) and any(names_a_prior(o) for o in ops)):
                lines.add(node.lineno)
        elif isinstance(node, ast.Dict) and any(k is not None and is_cls(k) for k in node.keys):
            lines.add(node.lineno)
        elif isinstance(node, ast.MatchClass) and is_cls(node.cls):
            lines.add(node.lineno)
    return sorted(lines)


def _top_level_names(name: str) -> set[str]:
    out = set()
    for node in TREES[name].body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return out


# ------------------------------------------------------------------------------------------------
# the page
# ------------------------------------------------------------------------------------------------
def _section(text: str, title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, f"docs/architecture.md has no section '## {title}'"
    return m.group(1)


def _table(section: str) -> list[list[str]]:
    """The rows (cells stripped) of the first markdown table of a section, header and rule left out."""
    rows, started = [], False
    for line in section.splitlines():
        if line.startswith("|"):
            started = True
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif started:
            break
    assert len(rows) > 2 and set(rows[1][0]) <= set("-: "), "the section's table has no rows"
    return rows[2:]


def _module_of(token: str) -> str | None:
    """A ticked token as a module name: ``solvers/glm.py`` and ``solvers.glm`` -> ``solvers.glm``."""
    token = token.removeprefix("bayesreg.").removeprefix("bayesreg/")
    if token.endswith(".py"):
        return token[:-3].replace("/", ".").removesuffix(".__init__")
    if token.endswith("/"):
        return token[:-1].replace("/", ".")
    return token


def _read(text: str | None = None):
    text = DOC.read_text() if text is None else text
    layers = {}
    for row in _table(_section(text, "Modules and layers")):
        rank = int(row[0])
        for tok in TICKED.findall(row[2]):
            assert tok not in layers, f"the layer table names `{tok}` twice"
            layers[_module_of(tok)] = rank
    deferred = set()
    for row in _table(_section(text, "Imports against the layers")):
        a, b = (_module_of(t) for t in TICKED.findall(row[0])[:2])
        deferred.add((a, b))
    rows = _table(_section(text, "Where a prior's type is switched on"))
    switches = {_module_of(TICKED.findall(row[0])[0]) for row in rows}
    facts = [TICKED.findall(row[1] + " " + row[2]) for row in _table(_section(text, "Who owns which fact"))]
    return layers, deferred, switches, facts


def _upward(layers) -> set[tuple[str, str]]:
    return {(a, b) for a, targets in IMPORTS.items() for b in targets if layers[b] > layers[a]}


def _circle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import circle, or None."""
    state, stack = {}, []

    def visit(v):
        state[v] = 1
        stack.append(v)
        for w in sorted(edges[v]):
            if state.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if w not in state and (c := visit(w)):
                return c
        state[v] = 2
        stack.pop()
        return None

    for v in sorted(edges):
        if v not in state and (c := visit(v)):
            return c
    return None


# ------------------------------------------------------------------------------------------------
# checks (each takes the page's text, so that a page that lies can be shown to fail)
# ------------------------------------------------------------------------------------------------
def check_layers(text):
    layers = _read(text)[0]
    missing = sorted(set(MODULES) - set(layers))
    unknown = sorted(set(layers) - set(MODULES))
    assert not missing, f"modules missing from the layer table of docs/architecture.md: {missing}"
    assert not unknown, f"the layer table names modules that do not exist: {unknown}"


def check_upward(text):
    layers, deferred, _, _ = _read(text)
    up = _upward(layers)
    assert up - deferred == set(), f"upward imports the page does not list: {sorted(up - deferred)}"
    assert deferred - up == set(), f"the page lists upward imports the code no longer has: {sorted(deferred - up)}"


def check_circles(text):
    deferred = _read(text)[1]
    edges = {a: {b for b in targets if (a, b) not in deferred} for a, targets in IMPORTS.items()}
    circle = _circle(edges)
    assert circle is None, f"import circle: {' -> '.join(circle)}"


def check_switches(text):
    listed = _read(text)[2]
    found = {name: lines for name in MODULES if (lines := _prior_switches(name))}
    extra = sorted(set(found) - listed)
    assert not extra, "modules switching on a prior's type, not listed: " + "".join(
        f"\n  {m}.py lines {found[m]}" for m in extra
    )
    assert not listed - set(found), f"listed as switching on a prior's type, but do not: {sorted(listed - set(found))}"


def check_facts(text):
    bad = []
    for tokens in _read(text)[3]:
        for tok in tokens:
            tok = tok.split("(")[0].strip()
            if tok.split("/")[0] in ("tests", "docs", "models", "notebooks", "benchmarks"):  # the repository's files
                if not (ROOT / tok).exists():
                    bad.append(tok)
                continue
            if re.fullmatch(r"[\w/]+\.py|\w+/", tok):
                if _module_of(tok) not in MODULES:
                    bad.append(tok)
                continue
            parts = tok.split(".")
            # the longest module prefix; what follows it must be a top-level name of that module
            for k in range(len(parts) - 1, 0, -1):
                mod = ".".join(parts[:k])
                if mod in MODULES:
                    if parts[k] not in _top_level_names(mod):
                        bad.append(tok)
                    break
    assert not bad, f"the fact table names modules or names that do not exist: {bad}"


CHECKS = [check_layers, check_upward, check_circles, check_switches, check_facts]


def test_the_parser_sees_the_package():
    # what a read of the code finds: imports inside functions, through the lazy table, prior switches
    assert {"inference", "solvers.glm", "samplers.pg", "solvers", "__init__"} <= set(MODULES)
    assert "solvers.glm" in IMPORTS["inference"] and "samplers.pg" in IMPORTS["sampling"]  # both inside functions
    assert "inference" in IMPORTS["report"]  # import bayesreg; bayesreg.sample_posterior(...)
    assert {"Laplace", "Gaussian", "Flat", "Horseshoe", "RegularizedHorseshoe"} <= PRIOR_CLASSES
    assert "GammaPrior" not in PRIOR_CLASSES and "Prior" not in PRIOR_CLASSES
    assert not _prior_switches("solvers.results") and not _prior_switches("_upstream")  # type(obj).__name__ of others


SWITCHING = """
from .priors import Laplace, Flat as F
from . import priors
import bayesreg
KINDS = ("Gaussian", "Horseshoe")
def f(prior, cls, est, fam):
    a = isinstance(prior, Laplace)                  # 7
    b = issubclass(cls, (int, F))                   # 8
    c = cls is priors.Horseshoe                     # 9
    kind = type(prior).__name__
    d = kind in KINDS                               # 11
    e = prior.__class__.__name__ == "R2D2"          # 12
    g = {bayesreg.Gaussian: 1}                      # 13
    match prior:
        case priors.ParkCasella():                  # 15
            pass
    h = type(est).__name__ == "ElasticNet"          # not a prior class
    i = fam.name == "Gaussian"                      # not a type
    j = isinstance(prior, priors.Prior)             # the base: not a switch
    k = type(prior).__name__                        # only read
"""


def test_the_switch_finder_on_each_form():
    assert _prior_switches("x", ast.parse(SWITCHING)) == [7, 8, 9, 11, 12, 13, 15]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_the_page_holds(check):
    check(DOC.read_text())


LIES = [
    # a module dropped from the layer table
    (check_layers, lambda t: t.replace("`selection`, ", "", 1)),
    # a module that does not exist
    (check_layers, lambda t: t.replace("`selection`, ", "`selection`, `posterior`, ", 1)),
    # the data layer put above the solvers that import it
    (check_upward, lambda t: re.sub(r"^\| 3 \| data \|", "| 9 | data |", t, count=1, flags=re.M)),
    # a listed deferred import that is not upward any more (its rows swapped)
    (check_upward, lambda t: t.replace("| `priors` -> `design` |", "| `design` -> `priors` |", 1)),
    # the deferred import that breaks the one circle forgotten
    (check_circles, lambda t: t.replace("| `priors` -> `design` |", "| `priors` -> `families` |", 1)),
    # a module that switches on prior type left out, and one listed that does not
    (check_switches, lambda t: re.sub(r"^\| `mapping.py` \|.*\n", "", t, count=1, flags=re.M)),
    (check_switches, lambda t: t.replace("| `spec.py` |", "| `priors.py` | x | y |\n| `spec.py` |", 1)),
    # a stale name and a stale file in the fact table
    (check_facts, lambda t: t.replace("`suffstats.check_gram_memory`", "`suffstats.check_gram_memry`", 1)),
    (check_facts, lambda t: t.replace("`solvers/glm.py`", "`solvers/glms.py`", 1)),
    (check_facts, lambda t: t.replace("`tests/test_trace.py`", "`tests/test_traces.py`", 1)),
]


@pytest.mark.parametrize("check, edit", LIES, ids=[f"{c.__name__}-{i}" for i, (c, _) in enumerate(LIES)])
def test_a_page_that_lies_fails(check, edit):
    text = DOC.read_text()
    lied = edit(text)
    assert lied != text, "the edit no longer applies to the page; update this test"
    with pytest.raises(AssertionError):
        check(lied)
