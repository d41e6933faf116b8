# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""DKIM signing of campaign email, per outgoing Email Account (domain, selector, private key).

The signature is made with dkimpy's canonicalization (relaxed headers, simple body — dkimpy's
own default), header selection and hashing, and covers From, To, Cc, Reply-To, Subject, Date, Message-ID, the MIME headers, both
list headers, Feedback-ID and X-Campaign-Plus-Send (those present). dkimpy computes RSA in pure
Python (6.5 ms a signature with a 2048-bit key, here); the RSA step is done by OpenSSL
(``cryptography``, 0.25 ms) instead, and a plain header block is canonicalized in one pass
(:mod:`campaign_plus.engine.dkimcanon`; 0.43 -> 0.33 ms a signature with the RSA step). Each :class:`Signer` checks its first signature with
dkimpy's own verifier against the key's public half; should it ever fail (a dkimpy that changed
its internals), that signer signs with ``dkim.sign`` itself from then on, and says so once in
the Error Log. A message is signed once every header is final (see
:mod:`campaign_plus.deliverability.outgoing`).
"""

import base64
import hashlib
import time
from dataclasses import dataclass

import dkim
import frappe
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from dkim.canonicalization import CanonicalizationPolicy

from campaign_plus.engine import dkimcanon

SIGNED_HEADERS = (
	b"from",
	b"sender",
	b"reply-to",
	b"to",
	b"cc",
	b"subject",
	b"date",
	b"message-id",
	b"mime-version",
	b"content-type",
	b"content-transfer-encoding",
	b"list-unsubscribe",
	b"list-unsubscribe-post",
	b"feedback-id",
	b"x-campaign-plus-send",
)
CANONICALIZATION = b"relaxed/simple"  # dkimpy's default: headers relaxed, the body as it is
KEY_BITS = 2048
PRIVATE_KEY_FIELD = "cp_dkim_private_key"


class DkimError(ValueError):
	pass


def generate_private_key(bits: int = KEY_BITS) -> str:
	"""A new RSA private key, PEM (PKCS#8)."""
	key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
	return key.private_bytes(
		serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
	).decode()


def load_private_key(pem: str | bytes, checked: bool = False):
	"""The RSA private key of a PEM. ``checked``: a key this site already checked when it was saved
	(the signer of a delivery job) — OpenSSL's check of the RSA numbers, a sixth of a second, is
	skipped."""
	data = pem.encode() if isinstance(pem, str) else pem
	try:
		key = serialization.load_pem_private_key(data, None, unsafe_skip_rsa_key_validation=checked)
	except (ValueError, TypeError) as error:
		raise DkimError(str(error)) from error
	if not isinstance(key, rsa.RSAPrivateKey):
		raise DkimError("not an RSA private key")
	return key


def public_key_base64(pem: str | bytes) -> str:
	"""The ``p=`` of the DNS record: the public key, DER (SubjectPublicKeyInfo), base64."""
	der = (
		load_private_key(pem)
		.public_key()
		.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
	)
	return base64.b64encode(der).decode()


def dns_record_value(pem: str | bytes) -> str:
	return f"v=DKIM1; k=rsa; p={public_key_base64(pem)}"


def dns_record_name(selector: str, domain: str) -> str:
	return f"{selector}._domainkey.{domain}"


def key_bits(pem: str | bytes) -> int:
	return load_private_key(pem).key_size


def _fold_tags(tags: list[list[bytes]], first: int) -> bytes:
	"""Tags (each a list of atoms that may be split by folding white space, as the names of
	``h=``) joined by ``; `` on lines of at most 76 characters where possible."""
	lines, line = [], b""
	width = first
	for t, atoms in enumerate(tags):
		for a, atom in enumerate(atoms):
			piece = atom + (b";" if a == len(atoms) - 1 else b"")
			gap = b" " if a == 0 and t > 0 else b""
			if line and width + len(line) + len(gap) + len(piece) > 76:
				lines.append(line)
				line, width = piece, 1
			else:
				line += gap + piece
	lines.append(line)
	return b"\r\n ".join(lines)


@dataclass
class Signer:
	domain: str
	selector: str
	private_key_pem: str

	def __post_init__(self):
		self.key = load_private_key(self.private_key_pem, checked=True)
		self.policy = CanonicalizationPolicy.from_c_value(CANONICALIZATION)
		self.checked = False
		self.slow = False

	def sign(self, message: bytes, now: float | None = None) -> bytes:
		"""``message`` with a ``DKIM-Signature`` header on top."""
		if self.slow:
			return self.dkimpy_signature(message) + message
		header = self.signature(message, now)
		if not self.checked:
			self.checked = True
			if not self.verify(header + message):
				self.slow = True
				frappe.log_error(
					title="Campaign Plus: DKIM signatures made with dkimpy's own signing",
					message="The fast signature did not verify with dkimpy: this process signs with "
					"dkim.sign (slower) from now on.",
				)
				return self.dkimpy_signature(message) + message
		return header + message

	def included(self, headers: list) -> list[bytes]:
		present = {name.lower() for name, _value in headers}
		return [name for name in SIGNED_HEADERS if name in present]

	def signature(self, message: bytes, now: float | None = None) -> bytes:
		head, separator, body = message.partition(b"\r\n\r\n")
		canonical = dkimcanon.relaxed_fields(head) if separator else None
		if canonical is not None:  # a plain header block, canonicalized in one pass
			include = [name for name in SIGNED_HEADERS if name in canonical]
			headers = None
		elif separator:
			headers = dkim.rfc822_parse(head + separator)[0]  # the header block only: the body as is
		else:  # not CRLF-separated: dkimpy parses the whole message
			headers, body = dkim.rfc822_parse(message)
		if headers is not None:
			include = self.included(headers)
			wanted = set(include)
			headers = [header for header in headers if header[0].lower() in wanted]
		if b"from" not in include:
			raise DkimError("a message without From cannot be signed")
		body_hash = base64.b64encode(hashlib.sha256(self.policy.canonicalize_body(body)).digest())
		fields = [
			(b"v", b"1"),
			(b"a", b"rsa-sha256"),
			(b"c", CANONICALIZATION),
			(b"d", self.domain.encode()),
			(b"s", self.selector.encode()),
			(b"t", str(int(now if now is not None else time.time())).encode()),
			(b"h", b":".join(include)),
			(b"bh", body_hash),
		]
		tags = [[name + b"=" + value] for name, value in fields]
		tags[6] = [b"h=" + include[0] + b":", *(name + b":" for name in include[1:-1]), include[-1]]
		if len(include) == 1:
			tags[6] = [b"h=" + include[0]]
		head = _fold_tags(tags, len(b"DKIM-Signature: "))
		unsigned = b" " + head + b"\r\n b="
		hasher = hashlib.sha256()
		if canonical is not None:  # as dkim.hash_headers: the signature's own field last, no CRLF
			hasher.update(b"".join(canonical[name] for name in include))
			hasher.update(dkimcanon.relaxed(b"DKIM-Signature", unsigned).rstrip())
		else:
			dkim.hash_headers(
				hasher,
				self.policy,
				self.policy.canonicalize_headers(headers),
				include,
				(b"DKIM-Signature", unsigned),
				dict(fields),
			)
		signature = base64.b64encode(
			self.key.sign(hasher.digest(), padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
		)
		chunks = [signature[i : i + 72] for i in range(0, len(signature), 72)]
		return b"DKIM-Signature:" + unsigned + b"\r\n  ".join(chunks) + b"\r\n"

	def dkimpy_signature(self, message: bytes) -> bytes:
		pem = self.private_key_pem
		return dkim.sign(
			message,
			self.selector.encode(),
			self.domain.encode(),
			pem.encode() if isinstance(pem, str) else pem,
			canonicalize=(b"relaxed", b"simple"),
			include_headers=self.included(dkim.rfc822_parse(message)[0]),
		)

	def dns_txt(self) -> bytes:
		"""The DNS record of this key (from the key already loaded: loading a PEM checks the RSA
		key, tens of milliseconds)."""
		der = self.key.public_key().public_bytes(
			serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
		)
		return f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}".encode()

	def verify(self, signed: bytes) -> bool:
		"""dkimpy's verdict on ``signed`` with this key's public half."""
		record = self.dns_txt()
		name = dns_record_name(self.selector, self.domain).encode()

		def dnsfunc(query, timeout=5):
			return record if query.rstrip(b".").lower() == name.lower() else None

		try:
			return bool(dkim.verify(signed, dnsfunc=dnsfunc))
		except Exception:
			return False


# ---------------------------------------------------------------------------- per account
_signers: dict[str, tuple[str, Signer | None]] = {}


def account_config(account) -> tuple[str, str, str] | None:
	"""(domain, selector, private key) of an Email Account signing with DKIM, else None."""
	if not account or not account.get("cp_dkim_enabled"):
		return None
	domain = (account.get("cp_dkim_domain") or "").strip().lower()
	selector = (account.get("cp_dkim_selector") or "").strip()
	if not domain or not selector:
		return None
	from frappe.utils.password import get_decrypted_password

	key = get_decrypted_password("Email Account", account.name, PRIVATE_KEY_FIELD, raise_exception=False)
	return (domain, selector, key) if key else None


def signer_for(account) -> Signer | None:
	"""The signer of an Email Account (made once per process and account version), or None."""
	if not account or not account.get("cp_dkim_enabled"):
		return None
	version = f"{account.get('modified')}"
	cached = _signers.get(account.name)
	if cached and cached[0] == version:
		return cached[1]
	config = account_config(account)
	signer = None
	if config:
		try:
			signer = Signer(*config)
		except DkimError:
			frappe.log_error(title=f"Campaign Plus: the DKIM key of Email Account {account.name} is unusable")
	_signers[account.name] = (version, signer)
	return signer
