"""The package as users get it: a built wheel, installed apart from the checkout, run from another folder."""

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_carries_its_specs_and_data_and_the_cli_finds_them(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
                   check=True, capture_output=True, text=True)  # fmt: skip
    (wheel,) = wheels.glob("bayesreg-*.whl")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, text=True)  # fmt: skip
    # the specs' one home is the top-level models/ folder, shipped as bayesreg._models (pyproject's
    # package-dir mapping): every spec and data file of the checkout is in the wheel, byte for byte
    shipped = target / "bayesreg" / "_models"
    home = REPO / "models"
    files = sorted(p.relative_to(home) for p in home.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert files and any(f.name == "diabetes_laplace.toml" for f in files)
    for f in files:
        assert (shipped / f).read_bytes() == (home / f).read_bytes(), f
    # the licence pyproject states ships with it (license-files), the same text as the repository's
    (lic,) = target.glob("bayesreg-*.dist-info/licenses/LICENSE")
    assert lic.read_bytes() == (REPO / "LICENSE").read_bytes()
    # every subpackage of the checkout is in the wheel (pyproject lists packages by hand)
    for init in (REPO / "bayesreg").rglob("__init__.py"):
        assert (target / init.relative_to(REPO)).is_file(), init
    # -S: no site hooks, so the checkout's editable install is invisible; the dependencies come
    # from this environment's site-packages, bayesreg from the installed wheel only
    deps = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    code = (
        "import sys; sys.path[:0] = {paths!r}; import bayesreg, bayesreg.cli as c; "
        "assert bayesreg.__file__.startswith({target!r}), bayesreg.__file__; "
        "sys.exit(c.main({argv!r}))"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def cli(*argv):
        src = code.format(paths=[str(target), *deps], target=str(target), argv=list(argv))
        return subprocess.run([sys.executable, "-S", "-c", src], cwd=elsewhere, capture_output=True, text=True)

    out = cli("list")
    assert out.returncode == 0, out.stderr
    for name in ("diabetes_laplace", "diabetes_gaussian", "small_csv", "polynomial"):
        assert name in out.stdout
    out = cli("check", "small_csv", "diabetes_laplace")
    assert out.returncode == 0, out.stderr
    assert "ok" in out.stdout and "small.csv" not in out.stderr
    assert str(shipped) in out.stdout  # loaded from the wheel, not from the checkout's models/
    assert sorted(p.name for p in elsewhere.iterdir()) == []  # the CLI wrote nothing here
    # a run from the installed package writes its report folder through the package's own writer
    rep = tmp_path / "rep"
    out = cli("run", "polynomial", "--fast", "-q", "--out", str(rep))
    assert out.returncode == 0, out.stderr
    assert (rep / "report.md").is_file() and (rep / ".bayesreg-manifest.json").is_file()
    out = cli("run", "polynomial", "--out", str(rep / "report.md"))  # a file as --out: one line, exit 2
    assert out.returncode == 2 and out.stderr.strip().splitlines()[-1].startswith("bayesreg: error: --out")
    assert "Traceback" not in out.stderr
