"""The README and docs/*.md say only what runs.

Every fenced code block of README.md and docs/*.md is checked by what it is: a ``python`` block is
executed (the blocks of one file in order, in one namespace, in a scratch folder; a warning from
bayesreg is an error, as everywhere in the suite); a ``toml`` block that is a whole spec (it has a
``[data]`` table) is validated by the spec checker, and any other ``toml`` block must parse; a block
of ``bayesreg ...`` command lines must name subcommands and options the command has. Every dotted
name ``bayesreg.x.y`` the text mentions must resolve to a module or attribute.
"""

from __future__ import annotations

import importlib
import re
import shlex
import tomllib
import warnings
from pathlib import Path

import pytest

from bayesreg.cli import build_parser
from bayesreg.exceptions import SamplingWarning
from bayesreg.spec import parse_spec

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)[^\n]*\n(.*?)^```", re.S | re.M)
DOTTED = re.compile(r"(?<![\w./-])bayesreg(?:\.[A-Za-z_]\w*)+")


def _blocks(path: Path, lang: str | None = None):
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(path.read_text()) if lang is None or m.group(1) == lang]


def _ids(paths):
    return [p.relative_to(ROOT).as_posix() for p in paths]


def test_the_docs_have_blocks_to_check():
    # the fence pattern finds what is there (a broken pattern would make every test below vacuous)
    assert len(_blocks(ROOT / "README.md", "python")) >= 1
    assert len(_blocks(ROOT / "docs" / "specs.md", "toml")) >= 5


PY_DOCS = [p for p in DOCS if _blocks(p, "python")]


@pytest.mark.parametrize("path", PY_DOCS, ids=_ids(PY_DOCS))
def test_python_blocks_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a block that writes files writes them here
    namespace: dict = {"__name__": "__doc_example__"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for k, (_, code) in enumerate(_blocks(path, "python")):
            exec(compile(code, f"{path.name}[python block {k}]", "exec"), namespace)  # noqa: S102
    # The one warning an example may give, and a true one: shrinkage_table's Gibbs runs at the smallest
    # Laplace scales (b ~ 3-9 on the diabetes data, where bmi's coefficient of ~500 is held far from its
    # prior's scale) mix slowly for beta[bmi]; the table's diagnostics flag it (R-hat ~1.01, bulk ESS
    # ~130 at 2 x 1000 draws, still R-hat 1.011 at some seeds with 4 x 2000). The README says so.
    def allowed(w):
        return issubclass(w.category, SamplingWarning) and str(w.message).startswith("sampling diagnostics flagged")

    unexpected = [w for w in caught if not allowed(w)]
    assert not unexpected, [f"{w.category.__name__}: {w.message}" for w in unexpected]


# what a fragment leaves out, filled in so that the checker sees the fragment's own tables in a whole spec
_FILL = {"data": {"dataset": "diabetes"}, "prior": {"family": "laplace", "scale": 1.0}}


@pytest.mark.parametrize("path", DOCS, ids=_ids(DOCS))
def test_toml_blocks_are_valid(path, tmp_path):
    for k, (_, text) in enumerate(_blocks(path, "toml")):
        doc = tomllib.loads(text)  # every block parses
        whole = {**_FILL, **doc}
        if "noise" not in whole and whole.get("likelihood", {}).get("family", "gaussian") == "gaussian":
            whole["noise"] = {"sigma": 1.0}
        data = whole["data"]
        if "csv" in data:  # the CSV it names, with the columns it names, beside the spec
            cols = [*data.get("features", ["x1", "x2"]), data["target"]]
            csv = tmp_path / data["csv"]
            csv.parent.mkdir(parents=True, exist_ok=True)
            rows = [",".join(f"{(i * 7 + j) % 5}.5" for j in range(len(cols))) for i in range(12)]
            csv.write_text("\n".join([",".join(cols), *rows]) + "\n")
        parse_spec(whole, tmp_path / f"block{k}.toml")


def _subcommands():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices


def _command_lines(path: Path):
    for lang, text in _blocks(path):
        if lang not in ("", "sh", "bash", "console", "shell"):
            continue
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("bayesreg ") and ":" not in line.split()[1]:
                yield line


CMD_DOCS = [p for p in DOCS if list(_command_lines(p))]


@pytest.mark.parametrize("path", CMD_DOCS, ids=_ids(CMD_DOCS))
def test_command_lines_name_what_the_command_has(path):
    commands = _subcommands()
    for line in _command_lines(path):
        words = shlex.split(line.replace("[", " ").replace("]", " ").replace("...", " "))
        name = words[1]
        assert name in commands, f"{path.name}: `{line}` names no subcommand {name!r}"
        options = {s for a in commands[name]._actions for s in a.option_strings}
        for w in words[2:]:
            if w.startswith("--"):
                assert w.split("=", 1)[0] in options, f"{path.name}: `{line}`: {name} has no option {w}"


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        try:
            for attr in parts[k:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


@pytest.mark.parametrize("path", DOCS, ids=_ids(DOCS))
def test_dotted_names_resolve(path):
    names = sorted(set(DOTTED.findall(path.read_text())))
    bad = [n for n in names if not _resolves(n)]
    assert not bad, f"{path.name} names what bayesreg does not have: {bad}"


def test_the_name_check_can_fail():
    assert _resolves("bayesreg.map_estimate") and _resolves("bayesreg.solvers.glm")
    assert not _resolves("bayesreg.solvers.glm_fit") and not _resolves("bayesreg.no_such_name")
