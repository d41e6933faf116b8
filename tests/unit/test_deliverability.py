# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import deliverability as d

label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
domain = st.builds(lambda a, b: f"{a}.{b}", label, st.sampled_from(["com", "fr", "io", "co.uk"]))
records = st.lists(st.text(max_size=80), max_size=4)


def checks(findings):
	return [f.check for f in findings]


def test_spf():
	assert checks(d.judge_spf("ex.com", [])) == ["spf.missing"]
	missing = d.judge_spf("ex.com", ["google-site-verification=x"], "smtp.gmail.com")[0]
	assert missing.level == d.ERROR and missing.fix_args == ("ex.com", "v=spf1 include:_spf.google.com ~all")
	assert checks(d.judge_spf("ex.com", ["v=spf1 mx -all", "v=spf1 a ~all"])) == ["spf.several"]
	assert checks(d.judge_spf("ex.com", ["v=spf1 +all"])) == ["spf.open"]
	assert checks(d.judge_spf("ex.com", ["v=spf1 mx"])) == ["spf.no_all"]
	assert checks(d.judge_spf("ex.com", ["v=spf1 mx ~all"], "smtp.sendgrid.net")) == ["spf.server"]
	assert checks(d.judge_spf("ex.com", ["v=spf1 include:sendgrid.net -all"], "smtp.sendgrid.net")) == [
		"spf.ok"
	]
	assert checks(d.judge_spf("ex.com", ["v=spf1 a:mail.ex.com ~all"], "mail.ex.com")) == ["spf.ok"]
	assert checks(d.judge_spf("ex.com", None)) == ["spf.unreadable"]


def test_dkim():
	key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx"
	record = f"v=DKIM1; k=rsa; p={key}"
	assert checks(d.judge_dkim(None, None, None, account="Sales")) == ["dkim.not_signed"]
	assert checks(d.judge_dkim("ex.com", "s1", [])) == ["dkim.missing"]
	assert checks(d.judge_dkim("ex.com", "s1", ["v=DKIM1; p="])) == ["dkim.revoked"]
	assert checks(d.judge_dkim("ex.com", "s1", [record], expected_key=key + "y")) == ["dkim.mismatch"]
	assert checks(d.judge_dkim("ex.com", "s1", [record], key, 512)) == ["dkim.weak"]
	assert checks(d.judge_dkim("ex.com", "s1", [record], key, 1024)) == ["dkim.short"]
	assert checks(d.judge_dkim("ex.com", "s1", [record.replace("; ", ";\t ")], key, 2048)) == ["dkim.ok"]


def test_dmarc():
	name = "_dmarc.news.ex.com"
	parent = "_dmarc.ex.com"
	assert checks(d.judge_dmarc("news.ex.com", [(name, []), (parent, [])])[0]) == ["dmarc.missing"]
	findings, tags = d.judge_dmarc("news.ex.com", [(name, []), (parent, ["v=DMARC1; p=none; adkim=s"])])
	assert checks(findings) == ["dmarc.monitoring"] and tags["adkim"] == "s"
	assert checks(d.judge_dmarc("ex.com", [(parent, ["v=DMARC1; p=reject"])])[0]) == ["dmarc.ok"]
	assert checks(d.judge_dmarc("ex.com", [(parent, ["v=DMARC1; p=maybe"])])[0]) == ["dmarc.invalid"]
	assert checks(d.judge_dmarc("ex.com", [(parent, ["v=DMARC1; p=none", "v=DMARC1; p=reject"])])[0]) == [
		"dmarc.several"
	]


@given(domain, label)
def test_alignment(base, sub):
	assert d.aligned(f"{sub}.{base}", base) and d.aligned(base, f"{sub}.{base}")
	assert not d.aligned(f"{sub}.{base}", base, strict=True)
	assert not d.aligned(base, f"x{base}")
	assert checks(d.judge_alignment(f"{sub}.{base}", base, None)) == ["alignment.ok"]
	assert checks(d.judge_alignment(base, "other.example", "other.example")) == ["alignment.none"]
	assert checks(d.judge_alignment(f"{sub}.{base}", base, None, {"adkim": "s"})) == ["alignment.none"]


@given(records, records, records, st.one_of(st.none(), st.integers(0, 5000)))
def test_dns_judges_never_fail_and_always_find_something(spf, dkim, dmarc, bits):
	for findings in (
		d.judge_spf("ex.com", spf, "smtp.ex.com"),
		d.judge_dkim("ex.com", "s1", dkim, "abc", bits),
		d.judge_dmarc("ex.com", [("_dmarc.ex.com", dmarc)])[0],
	):
		assert findings and all(f.level in d.LEVELS for f in findings)
		assert all(f.message.count("{") == len(f.args) or "{0}" in f.message for f in findings)


HEADERS = {
	"list-unsubscribe": "<https://erp.ex.com/u?t=x>, <mailto:box@ex.com?subject=unsubscribe>",
	"list-unsubscribe-post": "List-Unsubscribe=One-Click",
}
UNSUBSCRIBE = "https://erp.ex.com/page?t=x"
GOOD = f'<p>Hello <img src="https://ex.com/a.png" alt="logo"></p><a href="{UNSUBSCRIBE}">Unsubscribe</a>'


def message(html=GOOD, headers=HEADERS, has_text=True):
	return d.RenderedMessage("Step 1", len(html), html, has_text, dict(headers), UNSUBSCRIBE)


def test_a_good_message_and_each_problem():
	assert checks(d.judge_message(message())) == ["message.ok"]
	big = GOOD + "<p>" + "x" * (120 * 1024) + "</p>"
	clipped = d.judge_message(message(big))
	assert checks(clipped) == ["message.clipped"] and clipped[0].args == (round(len(big) / 1024),)
	assert clipped[0].step == "Step 1"
	assert checks(d.judge_message(message(has_text=False))) == ["message.no_text"]
	assert checks(d.judge_message(message(headers={}))) == ["message.no_list_unsubscribe"]
	assert checks(d.judge_message(message(headers={**HEADERS, "list-unsubscribe-post": ""}))) == [
		"message.no_one_click"
	]
	http = {**HEADERS, "list-unsubscribe": "<http://erp.ex.com/u?t=x>"}
	assert checks(d.judge_message(message(headers=http))) == ["message.no_https_unsubscribe"]
	assert checks(d.judge_message(message(GOOD.replace(UNSUBSCRIBE, "https://ex.com/")))) == [
		"message.no_unsubscribe_link"
	]
	assert checks(d.judge_message(message(GOOD.replace(' alt="logo"', "")))) == ["message.image_alt"]
	pixel = GOOD + '<img src="https://erp.ex.com/open" width="1" height="1">'
	assert checks(d.judge_message(message(pixel))) == ["message.ok"]
	links = GOOD + '<a href="http://ex.com/x">a</a><a href="https://192.0.2.7/offer">b</a>'
	assert checks(d.judge_message(message(links))) == ["message.http_links", "message.ip_links"]


@given(st.text(max_size=300))
def test_any_html_is_judged(html):
	assert d.judge_message(message(html))


def test_volume_against_the_bulk_threshold():
	assert checks(d.judge_volume("ex.com", 4000, 999)) == ["volume.ok"]
	assert checks(d.judge_volume("ex.com", 4000, 1000)) == ["volume.bulk"]
	assert d.worst(d.judge_volume("ex.com", 6000)) == d.WARNING


def test_names():
	assert (
		d.valid_domain("mail.example.co.uk")
		and not d.valid_domain("example")
		and not d.valid_domain("-x.com")
	)
	assert d.valid_selector("campaign2026") and d.valid_selector("s1.eu") and not d.valid_selector("bad_one")
	assert d.domain_of("Sales <sales@Example.COM>") == "example.com"
	assert d.spf_mechanism_for("email-smtp.eu-west-1.amazonaws.com") == "include:amazonses.com"
	assert d.spf_mechanism_for("mail.ex.com") == "a:mail.ex.com"
