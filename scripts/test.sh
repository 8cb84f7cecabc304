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
if [ -d tests/spark ] && grep -rqs "pytest.mark.spark\|pytestmark" tests/spark; then
    PMO_ENGINE=spark python -m pytest -m spark "$@"
fi
