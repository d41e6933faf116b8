# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from campaign_plus.consent import records
from campaign_plus.engine.consent import BY_HAND, IMPORT
from campaign_plus.engine.schedule import is_valid_email, normalize_email

# Who may delete a consent record: only a System Manager (erasure on request, a mistaken import).
DELETE_ROLE = "System Manager"


class CampaignConsent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		campaign: DF.Link | None
		consent_date: DF.Datetime
		consent_text: DF.SmallText | None
		email: DF.Data
		ip_address: DF.Data | None
		note: DF.SmallText | None
		party: DF.DynamicLink | None
		party_type: DF.Link | None
		purpose: DF.Literal["Campaign Email"]
		recorded_by: DF.Link | None
		request: DF.Link | None
		source: DF.Literal[
			"By Hand",
			"Form",
			"Data Import",
			"Double Opt-in",
			"Unsubscribed",
			"One-Click Unsubscribe",
			"Unsubscribe Page",
			"Unsubscribe Email",
			"Spam Complaint",
		]
		status: DF.Literal["Granted", "Refused", "Withdrawn", "Pending Confirmation"]
	# end: auto-generated types

	def before_insert(self):
		self.set_recorded_by()
		self.mark_imports()

	def validate(self):
		self.refuse_changes()
		self.normalise_email()
		self.check_date()
		self.check_party()

	def after_insert(self):
		records.refresh_parties([self.email])

	def on_trash(self):
		self.refuse_deleting()

	def set_recorded_by(self):
		self.recorded_by = frappe.session.user

	def mark_imports(self):
		"""A record created by the Data Import tool says so (unless its file gave another source)."""
		if frappe.flags.in_import and self.source == BY_HAND:
			self.source = IMPORT

	def refuse_changes(self):
		if not self.is_new():
			frappe.throw(
				_("A consent record cannot be changed: record a new one, which supersedes it."),
				title=_("Consent History"),
			)

	def normalise_email(self):
		self.email = normalize_email(self.email)
		if not is_valid_email(self.email):
			frappe.throw(
				_("{0} is not a valid email address.").format(frappe.bold(self.email)),
				title=_("Invalid Email"),
			)

	def check_date(self):
		self.consent_date = get_datetime(self.consent_date or now_datetime())
		if self.consent_date > now_datetime():
			frappe.throw(_("The date of a consent cannot be in the future."), title=_("Invalid Date"))

	def check_party(self):
		if not self.party_type:
			self.party = None
			return
		if self.party_type not in records.PARTY_TYPES:
			frappe.throw(
				_("A consent belongs to a Lead, a Contact or a Customer, not to a {0}.").format(
					_(self.party_type)
				),
				title=_("Invalid Party"),
			)
		if not self.party:
			frappe.throw(_("Choose the {0} this consent belongs to.").format(_(self.party_type)))

	def refuse_deleting(self):
		if DELETE_ROLE not in frappe.get_roles():
			frappe.throw(
				_("Consent records are the proof of consent: only a System Manager can delete them."),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)


def on_doctype_update():
	frappe.db.add_index("Campaign Consent", ["purpose", "email", "consent_date"])
	frappe.db.add_index("Campaign Consent", ["purpose", "status"])
	frappe.db.add_index("Campaign Consent", ["party_type", "party"])
