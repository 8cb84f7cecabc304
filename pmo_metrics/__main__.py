from __future__ import annotations

import sys

from pmo_metrics.cli import main

sys.exit(main())
