# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Form views for the conversion report: one counter per form, day and embedding website, each
view one upsert (the page's own POST, with its signed form token)."""

import frappe
from frappe.utils import now_datetime

VIEW = "Campaign Form View"


def count_view(form: str, origin: str | None) -> None:
	now = now_datetime()
	day = now.date()
	origin = (origin or "")[:140]
	frappe.db.sql(
		"""INSERT INTO `tabCampaign Form View`
			(`name`, `creation`, `modified`, `owner`, `modified_by`, `docstatus`, `idx`,
			`form`, `view_date`, `embedded_on`, `views`)
		VALUES (%(name)s, %(now)s, %(now)s, 'Guest', 'Guest', 0, 0, %(form)s, %(day)s, %(origin)s, 1)
		ON DUPLICATE KEY UPDATE `views` = `views` + 1, `modified` = VALUES(`modified`)""",
		{
			"name": frappe.generate_hash(length=12),
			"now": now,
			"form": form,
			"day": day,
			"origin": origin,
		},
	)
