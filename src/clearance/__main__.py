from __future__ import annotations

from clearance.cli import main

raise SystemExit(main())
