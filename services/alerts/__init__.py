"""Alerts: overdue leads and disputes, escalations and villages losing their police deputy party
secretary, posted to the webhooks of WeChat Work and DingTalk group robots (or as generic JSON), once
per item and state change, within each receiver's jurisdiction. ``python -m services.alerts``."""
