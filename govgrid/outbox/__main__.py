"""``python -m govgrid.outbox --service NAME``: run a write service's outbox relay."""

from govgrid.outbox.relay import main

raise SystemExit(main())
