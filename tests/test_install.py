"""Build the wheel, install it into a fresh virtual environment and run it from elsewhere.

The virtual environment is made without the system site-packages, whatever runs the tests (the machine's
Python, a venv, CI's fresh venv), so the wheel gets nothing but what it declares: pip installs it *with* its
dependencies, from the package index. To keep the test about the wheel rather than about whatever the index
holds today, those dependencies are constrained to the versions of the environment running the tests: the
lowest-versions job of the matrix checks the wheel against the lowest versions, the latest job against the
latest. pip's cache makes this a few seconds after the first run; it needs the index (PyPI) to be reachable,
as installing spendcalc does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for name in ("SPENDCALC_DATA", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PIP_CONSTRAINT"):
        env.pop(name, None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def running_versions() -> list[str]:
    """`name==version` for every distribution of the running environment but spendcalc itself."""
    pins = {
        canonical(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
        if dist.metadata["Name"]  # a broken install can leave a distribution without a name
    }
    pins.pop("spendcalc", None)
    return [f"{name}=={version}" for name, version in sorted(pins.items())]


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
    made = run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    bare = run([str(python), "-c", "import typer"], cwd=tmp_path)
    assert bare.returncode != 0, "the new environment sees packages it did not install"

    constraints = tmp_path / "constraints.txt"
    constraints.write_text("\n".join(running_versions()) + "\n", encoding="utf-8")
    installed = run([str(python), "-m", "pip", "install", "-c", str(constraints), str(wheel)], cwd=tmp_path)
    assert installed.returncode == 0, installed.stdout + installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The venv's own copy, not the checkout the tests run from.
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
