# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign_plus.engine import RuleError, utm

DOMAINS = ["example.com", "shop.example.org"]
PARAMS = utm.campaign_parameters("Spring Sale", 2, "B", "newsletter")

labels = st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True)
hosts = st.lists(labels, min_size=2, max_size=4).map(".".join)
query_pairs = st.lists(
	st.tuples(
		st.from_regex(r"[a-z]{1,6}", fullmatch=True), st.from_regex(r"[A-Za-z0-9]{0,6}", fullmatch=True)
	),
	max_size=4,
)
paths = st.from_regex(r"(/[a-z0-9]{1,8}){0,3}/?", fullmatch=True)
fragments = st.one_of(st.just(""), st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True))


def build(scheme, host, path, pairs, fragment):
	query = "&".join(f"{k}={v}" for k, v in pairs)
	url = f"{scheme}://{host}{path}"
	if query:
		url += "?" + query
	if fragment:
		url += "#" + fragment
	return url


urls = st.builds(build, st.sampled_from(["http", "https"]), hosts, paths, query_pairs, fragments)


def test_parameters_of_a_campaign_email():
	assert PARAMS == {
		"utm_source": "newsletter",
		"utm_medium": "email",
		"utm_campaign": "Spring Sale",
		"utm_content": "step-2-B",
	}
	assert utm.campaign_parameters("C", 1, None)["utm_source"] == utm.DEFAULT_SOURCE
	assert utm.content_label(3) == "step-3"


def test_own_domain_gets_the_parameters_others_are_untouched():
	url = "https://www.example.com/offer?x=1#top"
	decorated = utm.decorate(url, DOMAINS, PARAMS)
	assert decorated.startswith("https://www.example.com/offer?x=1&utm_source=newsletter")
	assert decorated.endswith("&utm_content=step-2-B#top")
	assert "utm_campaign=Spring+Sale" in decorated
	for other in (
		"https://example.net/",
		"https://notexample.com/a",
		"https://example.com.evil.net/",
		"https://example.org/",
		"mailto:a@example.com",
		"ftp://example.com/file",
	):
		assert utm.decorate(other, DOMAINS, PARAMS) == other
	assert utm.decorate("https://shop.example.org/a", DOMAINS, PARAMS) != "https://shop.example.org/a"
	assert utm.decorate("https://example.org/a", DOMAINS, PARAMS) == "https://example.org/a"


def test_a_link_with_utm_already_is_left_whole():
	for url in ("https://example.com/?utm_source=x", "https://example.com/?a=1&UTM_Medium=y"):
		assert utm.decorate(url, DOMAINS, PARAMS) == url


def test_no_domains_means_nothing_is_decorated():
	assert utm.decorate("https://example.com/", [], PARAMS) == "https://example.com/"


@given(urls)
def test_decoration_keeps_the_link_and_is_idempotent(url):
	decorated = utm.decorate(url, [urlsplit(url).hostname], PARAMS)
	before, after = urlsplit(url), urlsplit(decorated)
	assert (after.scheme, after.netloc, after.path, after.fragment) == (
		before.scheme,
		before.netloc,
		before.path,
		before.fragment,
	)
	original = parse_qsl(before.query, keep_blank_values=True)
	pairs = parse_qsl(after.query, keep_blank_values=True)
	assert pairs[: len(original)] == original
	assert dict(pairs[len(original) :]) == PARAMS
	assert utm.decorate(decorated, [urlsplit(url).hostname], PARAMS) == decorated


@given(urls, st.lists(hosts, max_size=3))
def test_only_listed_domains_and_their_subdomains_change(url, domains):
	host = urlsplit(url).hostname
	own = any(host == d or host.endswith("." + d) for d in domains)
	assert (utm.decorate(url, domains, PARAMS) != url) == own


def test_domain_lists():
	assert utm.parse_domains("Example.com\nhttps://www.shop.fr/path, *.other.org ;example.com") == [
		"example.com",
		"www.shop.fr",
		"other.org",
	]
	with pytest.raises(RuleError):
		utm.parse_domains("not a domain!")
	assert utm.parse_domains("") == []


def test_page_utm():
	page = "https://a.example/?utm_source=News&utm_medium=email&utm_campaign=C%201&x=1"
	assert utm.page_utm(page) == {"utm_source": "News", "utm_medium": "email", "utm_campaign": "C 1"}
	assert utm.page_utm(page, values={"utm_source": "given"})["utm_source"] == "given"
	assert utm.page_utm("https://a/?utm_content=" + "x" * 500)["utm_content"] == "x" * 140
	assert utm.page_utm("https://a/?utm_source=a%00b") == {"utm_source": "ab"}
	assert utm.page_utm(None, "not a url") == {}


@given(st.text(max_size=300))
def test_clean_values_are_short_printable_text(value):
	cleaned = utm.clean_value(value)
	assert cleaned is None or 0 < len(cleaned) <= utm.MAX_VALUE
	assert not any(ord(c) < 32 or ord(c) == 127 for c in cleaned or "")
