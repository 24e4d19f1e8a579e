"""The report folder of ``bayesreg run`` and the command's errors (issue 14, items 3-4).

The folder: checked before fitting, never written through a link, a user's files kept, stale files
of a previous run removed, one run at a time, and a killed run visible. The errors: one line on
stderr, exit status 2, before any fitting (no progress line printed), naming the key or option.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bayesreg import _outdir, cli
from bayesreg._outdir import INCOMPLETE, LOCK, MANIFEST, OutputFolderError, ReportFolder

REPO = Path(__file__).resolve().parent.parent

# a MAP-only spec (no sampling: fast) and one with a closed-form posterior (Gaussian prior, sigma
# fixed: the exact sampler) and a shrinkage grid, so it writes every kind of file
MAP_ONLY = """
name = "map_only"
description = "MAP and Lasso only"
[data]
dataset = "diabetes"
[prior]
family = "laplace"
scale = 20.0
[noise]
sigma = 54.0
[inference]
posterior = false
"""
WITH_POSTERIOR = """
name = "with_posterior"
description = "Gaussian prior, exact posterior"
[data]
generator = "polynomial"
[data.params]
degree = 4
[prior]
family = "gaussian"
scale = 3.0
[noise]
sigma = 0.1
[inference]
draws = 200
tune = 0
chains = 2
"""


def spec_file(tmp_path, text, name):
    p = tmp_path / f"{name}.toml"
    p.write_text(textwrap.dedent(text))
    return p


def run(capsys, *argv):
    """``bayesreg ARGV`` in this process: (exit status, stdout, stderr)."""
    rc = cli.main([str(a) for a in argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def assert_one_line_error(err, *words):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bayesreg: error:"), err
    assert "Traceback" not in err
    for w in words:
        assert w in lines[0], (w, err)


def manifest(folder):
    return json.loads((folder / MANIFEST).read_text())


def report_files(folder):
    return sorted(n for n in os.listdir(folder) if n in _outdir.REPORT_FILES)


# --------------------------------------------------------------------------------------------
# the folder: user's files, links, stale files
# --------------------------------------------------------------------------------------------


def test_a_rerun_removes_its_own_stale_files_and_keeps_the_users(tmp_path, capsys):
    out = tmp_path / "out"
    big = spec_file(tmp_path, WITH_POSTERIOR, "with_posterior")
    small = spec_file(tmp_path, MAP_ONLY, "map_only")
    rc, _, err = run(capsys, "run", big, "--out", out, "--quiet")
    assert rc == 0, err
    first = report_files(out)
    assert {"posterior.nc", "intervals.png", "forest.png"} <= set(first)
    m = manifest(out)
    assert m["complete"] and m["files"] == first and m["spec"] == "with_posterior"
    assert not (out / INCOMPLETE).exists() and not (out / LOCK).exists()
    (out / "notes.txt").write_text("mine")  # the user's own file beside the report

    rc, _, err = run(capsys, "run", small, "--out", out, "--quiet")
    assert rc == 0, err
    second = report_files(out)
    # the first run's posterior files are gone; what is left is exactly what the second run wrote
    assert not {"posterior.nc", "intervals.png", "forest.png"} & set(second)
    assert manifest(out)["files"] == second and manifest(out)["complete"]
    assert "map_only" in (out / "report.md").read_text().splitlines()[0]
    assert (out / "notes.txt").read_text() == "mine"
    assert not [n for n in os.listdir(out) if ".tmp-" in n]


def test_a_folder_bayesreg_did_not_write_is_refused_before_fitting(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "report.md").write_text("my own report")
    (out / "data.csv").write_text("1,2\n")
    small = spec_file(tmp_path, MAP_ONLY, "map_only")
    rc, stdout, err = run(capsys, "run", small, "--out", out)
    assert rc == 2
    assert_one_line_error(err.split("\n", 1)[1], str(out), "not written by bayesreg", "--force")
    assert "[1/" not in err and stdout == ""  # nothing fitted
    assert (out / "report.md").read_text() == "my own report"
    assert sorted(os.listdir(out)) == ["data.csv", "report.md"]  # no lock, no manifest left behind

    # --force: the report's names are replaced, other files kept
    rc, _, err = run(capsys, "run", small, "--out", out, "--force", "--quiet")
    assert rc == 0, err
    assert (out / "report.md").read_text().startswith("# map_only")
    assert (out / "data.csv").read_text() == "1,2\n"
    assert "data.csv" not in manifest(out)["files"]


def test_a_users_file_of_a_report_name_in_a_bayesreg_folder_is_not_replaced(tmp_path, capsys):
    out = tmp_path / "out"
    small = spec_file(tmp_path, MAP_ONLY, "map_only")
    assert run(capsys, "run", small, "--out", out, "-q")[0] == 0
    (out / "posterior.nc").write_text("the user's file, not from a run")  # a name the manifest does not list
    rc, _, err = run(capsys, "run", small, "--out", out, "-q")
    assert rc == 2
    assert_one_line_error(err, "posterior.nc", MANIFEST)
    assert (out / "posterior.nc").read_text() == "the user's file, not from a run"


def test_a_link_in_the_folder_is_never_written_through(tmp_path, capsys):
    out = tmp_path / "out"
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    small = spec_file(tmp_path, MAP_ONLY, "map_only")
    assert run(capsys, "run", small, "--out", out, "-q")[0] == 0
    (out / "report.md").unlink()
    (out / "report.md").symlink_to(outside)
    rc, _, err = run(capsys, "run", small, "--out", out, "-q")
    assert rc == 2
    assert_one_line_error(err, "report.md", "link")
    assert outside.read_text() == "precious" and (out / "report.md").is_symlink()
    # --force replaces the link itself, never its target
    rc, _, err = run(capsys, "run", small, "--out", out, "-q", "--force")
    assert rc == 0, err
    assert outside.read_text() == "precious"
    assert not (out / "report.md").is_symlink() and (out / "report.md").read_text().startswith("# map_only")


def test_a_manifest_never_names_anything_outside_the_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (out / MANIFEST).write_text(json.dumps({"complete": True, "files": ["../victim.txt", str(victim),
                                                                         "report.md"]}))
    with ReportFolder(out) as folder:
        folder.write_text("coefficients.csv", "a\n")
        folder.finish()
    assert victim.read_text() == "keep"
    assert manifest(out)["files"] == ["coefficients.csv"]
    with ReportFolder(out) as folder, pytest.raises(ValueError, match="name"):
        folder.write_text("../victim.txt", "x")


@pytest.mark.parametrize("case", ["file", "under_a_file", "folder_named_report"])
def test_an_unusable_out_is_refused_before_fitting(tmp_path, capsys, case):
    small = spec_file(tmp_path, MAP_ONLY, "map_only")
    f = tmp_path / "a_file"
    f.write_text("x")
    out = {"file": f, "under_a_file": f / "sub", "folder_named_report": tmp_path / "o"}[case]
    if case == "folder_named_report":
        (out / "report.md").mkdir(parents=True)
        (out / MANIFEST).write_text(json.dumps({"complete": True, "files": []}))
    rc, stdout, err = run(capsys, "run", small, "--out", out)
    assert rc == 2 and stdout == ""
    assert "[1/" not in err  # no step started
    assert_one_line_error(err.split("\n", 1)[1], "--out")
    assert f.read_text() == "x"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_out_is_refused_before_fitting(tmp_path, capsys):
    small = spec_file(tmp_path, MAP_ONLY, "map_only")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        for out in (ro, ro / "new"):
            rc, _, err = run(capsys, "run", small, "--out", out)
            assert rc == 2 and "[1/" not in err
            assert_one_line_error(err.split("\n", 1)[1], "--out", "writable")
    finally:
        ro.chmod(0o700)


def test_a_failed_run_leaves_no_folder_behind(tmp_path, capsys, monkeypatch):
    from bayesreg import report

    small = spec_file(tmp_path, MAP_ONLY, "map_only")
    out = tmp_path / "new" / "out"

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "run_spec", boom)
    rc, _, err = run(capsys, "run", small, "--out", out)
    assert rc == 130 and err.strip().splitlines()[-1] == "bayesreg: interrupted"
    assert not out.exists()  # created for the run, removed since nothing was written


# --------------------------------------------------------------------------------------------
# one run at a time, and a killed run
# --------------------------------------------------------------------------------------------

CHILD = """
import sys, time
from pathlib import Path
import bayesreg.report as report
import bayesreg._outdir as outdir
from bayesreg.cli import main

mode, sentinel = sys.argv[1], Path(sys.argv[2])
if mode == "slow_fit":  # a long fit: the lock is held while it runs
    real = report.run_spec
    def slow(*a, **k):
        sentinel.write_text("fitting")
        time.sleep(float(sys.argv[3]))
        return real(*a, **k)
    report.run_spec = slow
elif mode == "hang_in_write":  # stops for good while writing report.md (the last file)
    real_write = outdir.ReportFolder.write_text
    def write_text(self, name, text):
        if name == "report.md":
            sentinel.write_text("writing")
            time.sleep(600)
        return real_write(self, name, text)
    outdir.ReportFolder.write_text = write_text
sys.exit(main(sys.argv[4:]))
"""


def child(mode, sentinel, *argv, seconds=0.0):
    return subprocess.Popen([sys.executable, "-c", CHILD, mode, str(sentinel), str(seconds), *map(str, argv)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def wait_for(path, proc, limit=120.0):
    t0 = time.monotonic()
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"child ended early: {proc.communicate()}")
        if time.monotonic() - t0 > limit:
            proc.kill()
            raise AssertionError("child never reached the point")
        time.sleep(0.05)


def test_two_runs_into_one_folder_the_second_stops_with_a_clear_message(tmp_path):
    out = tmp_path / "out"
    big = spec_file(tmp_path, WITH_POSTERIOR, "with_posterior")
    small = spec_file(tmp_path, MAP_ONLY, "map_only")
    sentinel = tmp_path / "fitting"
    first = child("slow_fit", sentinel, "run", big, "--out", out, "-q", seconds=6.0)
    wait_for(sentinel, first)  # the first run holds the lock and is fitting
    second = subprocess.run([sys.executable, "-m", "bayesreg.cli", "run", str(small), "--out", str(out), "-q"],
                            capture_output=True, text=True)  # fmt: skip
    assert first.poll() is None, "the first run ended before the second one tried: the test proves nothing"
    assert second.returncode == 2 and second.stdout == ""
    assert_one_line_error(second.stderr, "another bayesreg run", f"pid {first.pid}", str(out))
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    # the folder is the first run's whole report, nothing of the second
    m = manifest(out)
    assert m["complete"] and m["spec"] == "with_posterior" and m["files"] == report_files(out)
    assert "posterior.nc" in m["files"] and not (out / INCOMPLETE).exists()
    import arviz as az

    assert az.from_netcdf(out / "posterior.nc").posterior["beta"].shape == (2, 200, 4)


def test_a_killed_run_leaves_the_previous_report_and_an_incomplete_marker(tmp_path, capsys):
    out = tmp_path / "out"
    big = spec_file(tmp_path, WITH_POSTERIOR, "with_posterior")
    small = spec_file(tmp_path, MAP_ONLY, "map_only")
    assert run(capsys, "run", big, "--out", out, "-q")[0] == 0
    before = {n: (out / n).read_bytes() for n in report_files(out)}

    sentinel = tmp_path / "writing"
    proc = child("hang_in_write", sentinel, "run", small, "--out", out, "-q")
    wait_for(sentinel, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)

    # killed while writing: the marker says so; report.md (written last, by rename) is still the
    # previous complete one; every file is whole (a file written is replaced in one rename)
    assert (out / INCOMPLETE).is_file() and "has not finished" in (out / INCOMPLETE).read_text()
    assert not manifest(out)["complete"]
    assert (out / "report.md").read_bytes() == before["report.md"]
    new = pd.read_csv(out / "coefficients.csv", index_col="feature")
    assert "exact MAP" in new.columns and len(new) == 11  # the killed run's table, complete (diabetes: 10 + 1)
    import arviz as az

    assert az.from_netcdf(out / "posterior.nc").posterior["beta"].shape == (2, 200, 4)  # the old one, whole

    # the lock died with the process; the next run completes and clears the marker and stale files
    rc, _, err = run(capsys, "run", small, "--out", out)
    assert rc == 0, err
    assert "did not finish" in err
    assert not (out / INCOMPLETE).exists() and manifest(out)["complete"]
    assert report_files(out) == manifest(out)["files"] and "posterior.nc" not in report_files(out)
    assert not [n for n in os.listdir(out) if ".tmp-" in n or n == LOCK]


def test_the_lock_without_flock_clears_a_dead_pids_lock_only(tmp_path, monkeypatch):
    monkeypatch.setattr(_outdir, "_fcntl", None)
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    import socket

    (out / LOCK).write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname()}))
    with ReportFolder(out) as folder:  # stale: cleared
        assert json.loads((out / LOCK).read_text())["pid"] == os.getpid()
        with pytest.raises(OutputFolderError, match=f"another bayesreg run \\(pid {os.getpid()}"):
            ReportFolder(out).open()
        folder.write_text("report.md", "x\n")
        folder.finish()
    assert not (out / LOCK).exists()


# --------------------------------------------------------------------------------------------
# errors before the work, one line each
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda t: t + "draws = 100000000000000000000000\n", ["[inference] draws", "<= 1000000"]),
        (lambda t: t + "chains = 1000\n", ["[inference] chains", "<= 64"]),
        (lambda t: t + "seed = 99999999999\n", ["[inference] seed", "<= 4294967295"]),
        (lambda t: t.replace("posterior = false", "chains = 64\ndraws = 1000000"), ["[inference] draws", "100000000"]),
        (lambda t: t + "scale_range = [1e-300, 1e300]\n", ["[inference] scale_range", "1e-06"]),
        (lambda t: t.replace('dataset = "diabetes"', 'generator = "cosine"\n[data.params]\n'
                             "n_samples = 100000000000"), ["[data.params] n_samples", "<= 10000000"]),
        (lambda t: t.replace('dataset = "diabetes"', 'generator = "sparse"\n[data.params]\n'
                             "n_samples = 1000000\nn_features = 1000"), ["[data.params] n_samples", "100,000,000"]),
        (lambda t: 'name = "a\\u0000b"\n' + t, ["name", "control"]),
        # each within its own range (priors.py, noise.py), but the Lasso alpha sigma^2 / (n b) overflows
        (lambda t: t.replace("scale = 20.0", "scale = 1e-150").replace("sigma = 54.0", "sigma = 1e150"),
         ["[prior] scale", "penalty"]),
        (lambda t: t.replace("sigma = 54.0", "sigma = 1e300"), ["[noise] sigma"]),
    ],
)
def test_extreme_spec_values_are_refused_up_front(tmp_path, capsys, edit, words):
    text = textwrap.dedent(MAP_ONLY).replace('name = "map_only"\n', "")
    path = spec_file(tmp_path, edit(text), "extreme")
    for argv in (["run", path, "--out", tmp_path / "r"], ["check", path]):
        rc, stdout, err = run(capsys, *argv)
        assert rc == 2, (argv, err)
        err = err.split("\n", 1)[1] if err.startswith("bayesreg run:") else err
        assert_one_line_error(err, str(path), *words)
    assert not (tmp_path / "r").exists()


def test_a_constant_csv_target_with_sigma_estimate_is_one_line_before_fitting(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    lines = ["a,b,y"] + [f"{a:.5f},{b:.5f},3.0" for a, b in X]
    (tmp_path / "flat.csv").write_text("\n".join(lines) + "\n")
    path = spec_file(tmp_path, MAP_ONLY.replace('dataset = "diabetes"', 'csv = "flat.csv"\ntarget = "y"')
                     .replace("sigma = 54.0", 'sigma = "estimate"'), "flat")  # fmt: skip
    for argv in (["run", path, "--out", tmp_path / "r"], ["check", path]):
        rc, stdout, err = run(capsys, *argv)
        assert rc == 2 and "[1/" not in err
        err = err.split("\n", 1)[1] if err.startswith("bayesreg run:") else err
        # named as what it is (issue 21): a constant target, not sigma's plug-in estimate of 0
        assert_one_line_error(err, str(path), "[data] target", "constant")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    "argv, options",
    [
        (["equivalence", "--no-find-map", "--scale", "1e308", "--sigma", "1e308"], ("--scale", "--sigma")),
        (["equivalence", "--no-find-map", "--scale", "1e-300", "--sigma", "1e300"], ("--scale", "--sigma")),
        (["equivalence", "--no-find-map", "--scale", "nan"], ("--scale",)),
        (["equivalence", "--no-find-map", "--scale", "1", "--sigma", "-1"], ("--sigma",)),
        (["compare", "--sigma", "1e300"], ("--sigma",)),
        (["compare", "--gaussian-scale", "inf"], ("--gaussian-scale",)),
    ],
)
def test_extreme_options_are_one_line_naming_the_option(capsys, argv, options):
    try:
        rc = cli.main(argv)
    except SystemExit as exc:  # argparse's own refusal (through the one-line error hook)
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == 2
    assert_one_line_error(err)
    assert any(o in err for o in options), err


def test_no_traceback_even_for_a_bug_and_debug_shows_it(tmp_path, capsys, monkeypatch):
    from bayesreg import report

    def bug(*a, **k):
        raise RuntimeError("something broke")

    monkeypatch.setattr(report, "run_spec", bug)
    small = spec_file(tmp_path, MAP_ONLY, "map_only")
    rc, _, err = run(capsys, "run", small, "--out", tmp_path / "r", "-q")
    assert rc == 1
    line = err.strip().splitlines()
    assert len(line) == 1 and "internal error: RuntimeError: something broke" in line[0] and "--debug" in line[0]
    with pytest.raises(RuntimeError, match="something broke"):
        cli.main(["--debug", "run", str(small), "--out", str(tmp_path / "r"), "-q"])


def test_no_traceback_from_the_console_script_for_a_bad_out(tmp_path):
    # end to end, as a user runs it: a file as --out
    f = tmp_path / "f"
    f.write_text("")
    p = subprocess.run([sys.executable, "-m", "bayesreg.cli", "run", "polynomial", "--out", str(f), "-q"],
                       capture_output=True, text=True)  # fmt: skip
    assert p.returncode == 2 and p.stdout == ""
    assert_one_line_error(p.stderr, "--out", "not a folder")


def test_init_never_writes_through_a_link(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.csv").write_text("a,b,y\n1,2,3\n2,1,1\n3,3,2\n4,0,5\n")
    outside = tmp_path / "outside.toml"
    outside.write_text("precious")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "mine.toml").symlink_to(outside)
    rc, _, err = run(capsys, "init", "mine.csv", "--target", "y")
    assert rc == 2
    assert_one_line_error(err, "exists", "--force")
    rc, _, err = run(capsys, "init", "mine.csv", "--target", "y", "--force")
    assert rc == 0, err
    assert outside.read_text() == "precious" and not (tmp_path / "models" / "mine.toml").is_symlink()
    assert sorted(os.listdir(tmp_path / "models")) == ["mine.toml"]  # no temporary file left
    rc, _, err = run(capsys, "init", "mine.csv", "--target", "y", "--out", "mine.csv")
    assert rc == 2
    assert_one_line_error(err, "--out mine.csv", "not a folder")
