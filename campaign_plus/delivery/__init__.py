# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Delivery: campaign email from Frappe's Email Queue to the mail server within minutes, paced to
the provider's limits, over one SMTP session per job, on as many RQ workers as there are.

- :mod:`~campaign_plus.delivery.handover` — rows leased to delivery, work items and their jobs;
- :mod:`~campaign_plus.delivery.job` — the job, the minute tick (its docstring states what is
  guaranteed);
- :mod:`~campaign_plus.delivery.rows` — outcomes written on Email Queue rows, set-based;
- :mod:`~campaign_plus.delivery.recovery` — what dead jobs left, and the rows a lost Redis orphaned;
- :mod:`~campaign_plus.delivery.limiter` — the limiter all workers share (Redis, atomic);
- :mod:`~campaign_plus.delivery.smtp` — Frappe's SMTPServer, one session, the final-dot hook;
- :mod:`~campaign_plus.delivery.work` — work items, holds, the final-dot journal and counters in
  Redis;
- :mod:`~campaign_plus.delivery.journal` — the MariaDB journal of the rows being handed over,
  which job lives, and what a dead job's rows became;
- :mod:`~campaign_plus.delivery.doubts` — rows a fault left in doubt, and *Send Again*;
- :mod:`~campaign_plus.delivery.outcomes` — what became of each message (refusals:
  :class:`Rejection`, with their class);
- :mod:`~campaign_plus.delivery.progress` and ``api`` — what the Campaign form shows.

The rules (windows, when capacity returns, finishing time, SMTP replies) are the engine's
:mod:`campaign_plus.engine.pacing`.
"""

from campaign_plus.delivery.handover import hand_over, send_after  # the send batches call these

__all__ = ["hand_over", "send_after"]
