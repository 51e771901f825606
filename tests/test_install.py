"""Build the wheel, install it into a fresh virtual environment and run it from elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for name in ("SPENDCALC_DATA", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(name, None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INDEX"] = "1"  # everything needed is local: no network
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_wheel_installs_and_runs_from_anywhere(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)], cwd=ROOT)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("spendcalc-*.whl")

    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "spendcalc/data/allies.json" in names
    assert "spendcalc/cli/app.py" in names
    if (ROOT / "src" / "spendcalc" / "py.typed").exists():
        assert "spendcalc/py.typed" in names
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("spendcalc/data/allies.json") == (ROOT / "data" / "allies.json").read_bytes()

    venv = tmp_path / "venv"
    made = run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    installed = run(
        [str(python), "-m", "pip", "install", "--no-deps", "--force-reinstall", str(wheel)], cwd=tmp_path
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The venv's own copy, not the editable checkout visible through the system site-packages.
    located = run([str(python), "-c", "import spendcalc; print(spendcalc.__file__)"], cwd=elsewhere)
    assert located.returncode == 0, located.stderr
    module = Path(located.stdout.strip()).resolve()
    assert module.is_relative_to(venv.resolve()), module
    assert not module.is_relative_to(ROOT.resolve())

    done = run([str(venv / "bin" / "spendcalc"), "compare"], cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "United States" in done.stdout
    assert "Albania" in done.stdout
    assert list(elsewhere.iterdir()) == []
