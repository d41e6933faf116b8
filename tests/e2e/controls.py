# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Frappe's form controls, used as a person uses them, for the browser tier."""

from playwright.sync_api import TimeoutError as NotShown


def pick_link(page, control, value: str) -> None:
	"""Type ``value`` into the Link (or Dynamic Link) field ``control`` and choose it."""
	choose(page, control.locator("input").first, value, value)


def choose(page, field, typed: str, shown: str, tries: int = 3) -> None:
	"""Type ``typed`` into the input ``field`` of a Link control, choose the option showing ``shown``.

	Frappe's Link control searches on every input, without a delay, and shows the answer that
	comes back last: the search the click on the empty field starts (empty text, the first ten
	records) can answer after the one for the typed text, and on a site with more records the
	dropdown then holds no match. As a person would, type again (the field is not empty now: the
	click starts no second empty search)."""
	option = page.locator('[role="option"]:visible').filter(has_text=shown).first  # v16: outside the control
	for attempt in range(tries):
		field.click()
		field.fill(typed)
		try:
			option.wait_for(timeout=10000)
			break
		except NotShown:
			if attempt == tries - 1:
				raise
	option.click()
	page.wait_for_timeout(300)
