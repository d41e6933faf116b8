# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Campaign forms: what a valid form is, what a valid submission is, where a form may be shown.

A form maps its fields to fields of a Lead (or a Contact): the email address always, required,
and any other plain field a visitor may fill (text, number, date, check, choice, a link to a
public list such as Country) — never a field the app or the desk manages (status, owner,
consent, score, campaign, UTM). A submission is checked field by field, all errors at once,
each naming its field; spam is refused before that (a honeypot field filled, a form sent faster
than a person can, a form token that is missing, foreign or too old).

Embedding follows the Content Security Policy's ``frame-ancestors`` rules, so what the browser
enforces and what the server checks agree: an entry ``example.com`` allows that host on the
default ports of http and https, ``*.example.com`` its subdomains, ``https://example.com:8443``
exactly that origin.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from campaign_plus.engine.errors import RuleError, _
from campaign_plus.engine.schedule import is_valid_email, normalize_email

LEAD = "Lead"
CONTACT = "Contact"
DOCUMENT_TYPES = (LEAD, CONTACT)
EMAIL_FIELD = "email_id"

# Consent checkbox: none, optional (ticked or not), or required to send the form.
CONSENT_OFF = "No Checkbox"
CONSENT_OPTIONAL = "Optional"
CONSENT_REQUIRED = "Required"
CONSENT_MODES = (CONSENT_OFF, CONSENT_OPTIONAL, CONSENT_REQUIRED)

TEXT_TYPES = ("Data", "Small Text", "Text", "Long Text")
FIELD_TYPES = (*TEXT_TYPES, "Select", "Check", "Int", "Float", "Date", "Phone", "Link")
# Lists a visitor may pick from (their names are public enough to show on a web page).
PUBLIC_LINKS = (
	"Country", "Territory", "Industry Type", "Market Segment", "Language", "Gender", "Salutation",
	"Currency", "Designation",
)  # fmt: skip
# Fields the app, ERPNext or the desk manage: never filled by a visitor.
FORBIDDEN_FIELDS = frozenset(
	{
		"name", "owner", "modified_by", "creation", "modified", "docstatus", "idx", "naming_series",
		"status", "lead_owner", "unsubscribed", "blog_subscriber", "disabled", "user", "company",
		"customer", "image", "title", "lead_name", "full_name", "type", "request_type",
		"campaign_name", "campaign", "source", "utm_source", "utm_medium", "utm_campaign",
		"utm_content", "is_primary_contact", "is_billing_contact", "sync_with_google_contacts",
		"google_contacts", "pulled_from_google_contacts", "qualification_status", "qualified_by",
		"qualified_on", "contact_date", "ends_on", "contact_by", "address_html", "contact_html",
	}
)  # fmt: skip
MAX_LENGTH = {"Data": 140, "Phone": 30, "Link": 140, "Select": 140}
MAX_TEXT = 2000
MIN_FILL_SECONDS = 3
MAX_FILL_SECONDS = 3600
TOKEN_VALID_SECONDS = 24 * 3600

# Why a submission is refused as spam (never told in detail to the sender).
HONEYPOT = "honeypot"
TOO_FAST = "too fast"
BAD_TOKEN = "bad token"
EXPIRED = "expired"
OTHER_FORM = "other form"
NOT_EMBEDDABLE = "domain not listed"

_PHONE = re.compile(r"^\+?[0-9 ().\-/]{4,30}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ROUTE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
_HOST = re.compile(
	r"^(\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
DEFAULT_PORTS = {"http": 80, "https": 443}
TITLE = _("Campaign Form")


@dataclass(frozen=True)
class FieldMeta:
	"""A field of the Lead / Contact doctype, as the form needs to know it."""

	fieldtype: str
	options: str | None = None
	label: str | None = None
	read_only: bool = False


@dataclass(frozen=True)
class FormField:
	"""One field of a form: the target field, its label and whether it must be filled."""

	fieldname: str
	label: str
	fieldtype: str
	required: bool = False
	options: tuple[str, ...] = ()  # a Select's choices (a Link's are checked by the edge)
	link_doctype: str | None = None

	@property
	def kind(self) -> str:
		"""How the value is read: the email, a phone number, or the field's type."""
		if self.fieldname == EMAIL_FIELD:
			return "Email"
		return self.fieldtype


@dataclass(frozen=True)
class FieldError:
	fieldname: str
	message: str
	args: tuple = ()


@dataclass
class Cleaned:
	values: dict[str, object] = field(default_factory=dict)
	errors: list[FieldError] = field(default_factory=list)

	@property
	def ok(self) -> bool:
		return not self.errors


def field_kind(fieldname: str, meta: FieldMeta) -> str:
	"""The form type of a doctype field: Data with options Phone is a phone number, etc."""
	if meta.fieldtype == "Data" and (meta.options or "") == "Phone":
		return "Phone"
	return meta.fieldtype


def check_route(route: str) -> None:
	if not _ROUTE.match(route or ""):
		raise RuleError(
			_("The address of the form ({0}) may use only lower-case letters, digits and hyphens."),
			route or "",
			title=TITLE,
		)


def slug(text: str) -> str:
	"""A route made from a title: lower-case ASCII letters, digits and single hyphens."""
	import unicodedata

	ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
	words = re.findall(r"[a-z0-9]+", ascii_text.lower())
	return "-".join(words)[:100].strip("-") or "form"


def check_definition(
	document_type: str,
	rows: Sequence[tuple[int, str, bool]],
	doctype_fields: Mapping[str, FieldMeta],
	consent_mode: str,
	consent_text: str | None,
	min_fill_seconds: int | None,
	thank_you_url: str | None = None,
) -> None:
	"""Validate a form as typed by a user: ``rows`` are (row number, target field, required)."""
	if document_type not in DOCUMENT_TYPES:
		raise RuleError(_("A form creates a Lead or a Contact, not a {0}."), document_type, title=TITLE)
	seen: set[str] = set()
	for idx, fieldname, _required in rows:
		if not fieldname:
			raise RuleError(_("Row {0}: choose the field it fills."), idx, title=TITLE)
		if fieldname in seen:
			raise RuleError(_("Row {0}: {1} is on the form twice."), idx, fieldname, title=TITLE)
		seen.add(fieldname)
		meta = doctype_fields.get(fieldname)
		if meta is None:
			raise RuleError(_("Row {0}: {1} has no field {2}."), idx, document_type, fieldname, title=TITLE)
		managed = meta.read_only and fieldname != EMAIL_FIELD  # a Contact's address comes from its rows
		if fieldname in FORBIDDEN_FIELDS or fieldname.startswith("cp_") or managed:
			raise RuleError(
				_("Row {0}: {1} is managed by the application and cannot be filled by a visitor."),
				idx,
				fieldname,
				title=TITLE,
			)
		kind = field_kind(fieldname, meta)
		if kind not in FIELD_TYPES:
			raise RuleError(
				_("Row {0}: fields of type {1} cannot be on a form."), idx, meta.fieldtype, title=TITLE
			)
		if kind == "Link" and meta.options not in PUBLIC_LINKS:
			raise RuleError(
				_("Row {0}: {1} links to {2}, a list that cannot be shown to visitors."),
				idx,
				fieldname,
				meta.options or "",
				title=TITLE,
			)
	email_rows = [row for row in rows if row[1] == EMAIL_FIELD]
	if not email_rows:
		raise RuleError(_("A form needs the email address field ({0})."), EMAIL_FIELD, title=TITLE)
	if not email_rows[0][2]:
		raise RuleError(_("The email address must be a required field."), title=TITLE)
	if consent_mode not in CONSENT_MODES:
		raise RuleError(_("Choose how the form asks for consent."), title=TITLE)
	if consent_mode != CONSENT_OFF and not (consent_text or "").strip():
		raise RuleError(_("Write the text of the consent checkbox."), title=TITLE)
	if min_fill_seconds is not None and not 0 <= min_fill_seconds <= MAX_FILL_SECONDS:
		raise RuleError(
			_("The minimum fill time must be between 0 and {0} seconds."), MAX_FILL_SECONDS, title=TITLE
		)
	if thank_you_url and not re.match(r"^https?://[^\s/]+\S*$", thank_you_url.strip(), re.I):
		raise RuleError(_("The thank-you page must be an http or https address."), title=TITLE)


# --- submissions --------------------------------------------------------------------------------


def _text(value: object) -> str:
	if value is None or isinstance(value, list | dict | tuple):
		return ""
	return _CONTROL.sub("", str(value)).strip()


def is_checked(value: object) -> bool:
	return _text(value).lower() in ("1", "on", "true", "yes")


def clean_value(form_field: FormField, raw: object) -> tuple[object, FieldError | None]:
	"""The value to store for one field, or why it is refused (an empty value is None)."""
	name, kind = form_field.fieldname, form_field.kind
	if isinstance(raw, list | dict | tuple):
		return None, FieldError(name, _("This value is not valid."))
	if kind == "Check":
		value = 1 if is_checked(raw) else 0
		if form_field.required and not value:
			return None, FieldError(name, _("Tick this box to continue."))
		return value, None
	text = _text(raw)
	if kind in TEXT_TYPES and kind != "Data":
		text = "\n".join(line.rstrip() for line in text.splitlines()).strip()
	else:
		text = " ".join(text.split())
	if not text:
		if form_field.required:
			return None, FieldError(name, _("This field is required."))
		return None, None
	limit = MAX_LENGTH.get(kind, MAX_TEXT if kind in TEXT_TYPES else 140)
	if kind == "Email":
		email = normalize_email(text)
		if len(email) > 140 or not is_valid_email(email):
			return None, FieldError(name, _("Enter a valid email address."))
		return email, None
	if len(text) > limit:
		return None, FieldError(name, _("At most {0} characters."), (limit,))
	if kind == "Phone":
		if not _PHONE.match(text):
			return None, FieldError(name, _("Enter a valid phone number."))
		return text, None
	if kind == "Int":
		if not re.fullmatch(r"[+-]?\d{1,12}", text):
			return None, FieldError(name, _("Enter a whole number."))
		return int(text), None
	if kind == "Float":
		try:
			number = float(text.replace(",", ".")) if re.fullmatch(r"[+-]?\d{1,15}([.,]\d+)?", text) else None
		except ValueError:
			number = None
		if number is None:
			return None, FieldError(name, _("Enter a number."))
		return number, None
	if kind == "Date":
		try:
			return dt.date.fromisoformat(text).isoformat(), None
		except ValueError:
			return None, FieldError(name, _("Enter a date (YYYY-MM-DD)."))
	if kind == "Select":
		if text not in form_field.options:
			return None, FieldError(name, _("Choose one of the options."))
		return text, None
	return text, None


def clean_submission(fields: Sequence[FormField], values: Mapping[str, object]) -> Cleaned:
	"""Every field's value, or every field's error (nothing stored unless all are good)."""
	result = Cleaned()
	for form_field in fields:
		value, error = clean_value(form_field, values.get(form_field.fieldname))
		if error:
			result.errors.append(error)
		elif value is not None:
			result.values[form_field.fieldname] = value
	return result


def consent_error(consent_mode: str, ticked: bool) -> FieldError | None:
	if consent_mode == CONSENT_REQUIRED and not ticked:
		return FieldError("consent", _("Tick this box to continue."))
	return None


def updates_for(existing: Mapping[str, object], values: Mapping[str, object]) -> dict[str, object]:
	"""What a new submission changes on the party with that address: the values it gives that
	differ (an empty or unticked field never erases what is recorded; the address stays)."""
	changes = {}
	for fieldname, value in values.items():
		if fieldname == EMAIL_FIELD or value in (None, "", 0):
			continue
		current = existing.get(fieldname)
		if current is None or str(current) != str(value):
			changes[fieldname] = value
	return changes


def spam_reason(
	token_fields: Sequence[str] | None,
	form: str,
	now: float,
	min_fill_seconds: int,
	honeypot: object,
) -> str | None:
	"""Why a submission is refused before its fields are read (None: go on).

	``token_fields`` are those of the form token signed when the page was shown: (form, the Unix
	time it was shown in milliseconds, the embedding origin, the language); ``now`` is a Unix time
	in seconds.
	"""
	if _text(honeypot):
		return HONEYPOT
	if not token_fields or len(token_fields) != 4:
		return BAD_TOKEN
	token_form, shown, _origin, _language = token_fields
	if token_form != form:
		return OTHER_FORM
	if not shown.isdigit():
		return BAD_TOKEN
	elapsed = now - int(shown) / 1000
	if elapsed > TOKEN_VALID_SECONDS:
		return EXPIRED
	if elapsed < max(int(min_fill_seconds or 0), 0):
		return TOO_FAST
	return None


# --- embedding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
	"""An allowed embedding origin: scheme (None: http or https), host (``*.`` for subdomains),
	port (None: the scheme's default)."""

	scheme: str | None
	host: str
	port: int | None = None

	def csp(self) -> str:
		text = self.host if self.port is None else f"{self.host}:{self.port}"
		return f"{self.scheme}://{text}" if self.scheme else text


def parse_source(entry: str) -> Source:
	text = entry.strip().lower().rstrip("/")
	scheme = None
	if "://" in text:
		scheme, text = text.split("://", 1)
		if scheme not in DEFAULT_PORTS:
			raise RuleError(_("{0}: only http and https pages can show a form."), entry, title=TITLE)
	if "/" in text or "?" in text or "#" in text or "@" in text:
		raise RuleError(_("{0}: list a domain, not a page address."), entry, title=TITLE)
	host, port = text, None
	if ":" in text:
		host, _colon, port_text = text.rpartition(":")
		if not port_text.isdigit() or not 0 < int(port_text) < 65536:
			raise RuleError(_("{0}: the port is not valid."), entry, title=TITLE)
		port = int(port_text)
	if not _HOST.match(host):
		raise RuleError(_("{0} is not a domain name."), entry, title=TITLE)
	return Source(scheme, host, port)


def parse_sources(text: str | None) -> list[Source]:
	sources = []
	for entry in re.split(r"[\s,;]+", text or ""):
		if entry.strip():
			source = parse_source(entry)
			if source not in sources:
				sources.append(source)
	return sources


def split_origin(origin: str | None) -> tuple[str, str, int] | None:
	"""(scheme, host, port) of an origin or URL; None when it is not an http(s) one."""
	from urllib.parse import urlsplit

	try:
		parts = urlsplit((origin or "").strip())
		scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
	except ValueError:
		return None
	if scheme not in DEFAULT_PORTS or not host:
		return None
	return scheme, host, port or DEFAULT_PORTS[scheme]


def origin_of(url: str | None) -> str | None:
	"""``scheme://host[:port]`` of a URL (the default port left out); None for anything else."""
	parts = split_origin(url)
	if not parts:
		return None
	scheme, host, port = parts
	return f"{scheme}://{host}" if port == DEFAULT_PORTS[scheme] else f"{scheme}://{host}:{port}"


def source_allows(source: Source, origin: str | None) -> bool:
	parts = split_origin(origin)
	if not parts:
		return False
	scheme, host, port = parts
	if source.scheme and not (scheme == source.scheme or (source.scheme == "http" and scheme == "https")):
		return False
	wanted_port = source.port if source.port is not None else DEFAULT_PORTS[source.scheme or scheme]
	if port != wanted_port:
		return False
	if source.host.startswith("*."):
		return host.endswith(source.host[1:])
	return host == source.host


def embedding_allowed(sources: Iterable[Source], origin: str | None) -> bool:
	return any(source_allows(source, origin) for source in sources)


def frame_ancestors(sources: Iterable[Source]) -> str:
	"""The Content-Security-Policy a form's page is served with: framed only by this site and
	the listed origins."""
	return " ".join(["frame-ancestors", "'self'", *(source.csp() for source in sources)])
