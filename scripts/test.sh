#!/usr/bin/env bash
# Set up and run every test: Python packages, Debian's Chromium for the browser tests, the lint
# and type checks, then the suite on DuckDB and the metric suite again on Apache Spark (local
# mode).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi
# The steering pack's PDF is set in DejaVu Sans (the status icons, every Spanish letter).
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null
    fi
fi
# -c constraints.txt: the versions tested, so that a fresh machine does not pick up newer ones.
python -m pip install -q --disable-pip-version-check -r requirements-dev.txt -c constraints.txt

# The code's habits before any test runs: lint (ruff check, rules in pyproject.toml), format
# (ruff format --check: an unformatted change fails here) and types (mypy, strict on
# pmo_metrics; mypy.ini lists the modules not yet clean). They take seconds.
python -m ruff check .
python -m ruff format --check .
python -m mypy

python -m pytest -m "not spark" "$@"

# The metric suite (tests/metrics) and tests/spark again on Apache Spark, pyspark in local mode:
# one Spark application for the whole run (see tests/conftest.py). Spark needs Java 17+.
if ! command -v java >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    fi
fi
# A hung JVM must fail the step, not eat CI's 90 minutes.
PMO_ENGINE=spark timeout --signal=INT --kill-after=60 40m \
    python -m pytest -m spark "$@"
