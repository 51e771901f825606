"""Regenerate docs/chart.svg, the picture the README opens with, by running spendcalc itself.

Usage: python scripts/readme_picture.py [OUTPUT]
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PICTURE = REPO / "docs" / "chart.svg"
COMMAND = ["chart", "--year", "2026", "--target", "2", "--target", "3.5", "--target", "5"]
WIDTH = "100"


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else PICTURE
    environment = {**os.environ, "COLUMNS": WIDTH}
    environment.pop("SPENDCALC_DATA", None)
    subprocess.run(
        [sys.executable, "-m", "spendcalc", *COMMAND, "--svg", str(output)],
        stdout=subprocess.DEVNULL,
        env=environment,
        check=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
