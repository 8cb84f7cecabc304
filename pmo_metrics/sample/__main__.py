"""``python -m pmo_metrics.sample [--out DIR] [--seed N]``: regenerate the sample data."""

from __future__ import annotations

import argparse
from pathlib import Path

from pmo_metrics.sample.generate import SEED, generate
from pmo_metrics.sample.paths import SAMPLE_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pmo_metrics.sample", description=__doc__)
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    files = generate(args.out, seed=args.seed)
    size = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} files ({size / 1e6:.1f} MB) under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
