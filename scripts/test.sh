#!/usr/bin/env bash
# Set up and run every test: Python packages, Debian's Chromium for the browser tests, then the
# suite on DuckDB and the metric suite again on Apache Spark (local mode).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi
python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

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
