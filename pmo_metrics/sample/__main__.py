"""``python -m pmo_metrics.sample [--out DIR] [--seed N] [--image-only]``: regenerate the sample
data, then (for ``data/sample``) its store image ``data/sample_store``, which the first start
and ``demo`` copy instead of reading the files. ``--image-only`` rebuilds the image alone: after
a change to the readers or the loads, which changes what loading the files gives."""

from __future__ import annotations

import argparse
from pathlib import Path

from pmo_metrics.sample.paths import IMAGE_DIR, SAMPLE_DIR


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pmo_metrics.sample", description=__doc__)
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--image-only", action="store_true")
    args = parser.parse_args(argv)
    if not args.image_only:
        _generate(args.out, args.seed)
    if args.out.resolve() == SAMPLE_DIR:  # the image describes the shipped sample only
        from pmo_metrics.demo import build_image

        build_image(SAMPLE_DIR, IMAGE_DIR)
        size = sum(f.stat().st_size for f in IMAGE_DIR.iterdir())
        print(f"wrote the store image ({size / 1e6:.1f} MB) under {IMAGE_DIR}")
    return 0


def _generate(out: Path, seed: int | None) -> None:
    # Imported here: the generator pulls in openpyxl and the templates, --image-only does not.
    from pmo_metrics.sample.generate import SEED, generate

    files = generate(out, seed=SEED if seed is None else seed)
    size = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} files ({size / 1e6:.1f} MB) under {out}")


if __name__ == "__main__":
    raise SystemExit(main())
