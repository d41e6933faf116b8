# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import pytest

from campaign_plus.engine.links import CampaignLink, FieldInfo, choose_campaign_link

V15 = {
	"Lead": [
		FieldInfo("source", "Link", "Lead Source"),
		FieldInfo("campaign_name", "Link", "Campaign"),
	],
	"Opportunity": [FieldInfo("source", "Link", "Lead Source"), FieldInfo("campaign", "Link", "Campaign")],
	"Quotation": [FieldInfo("campaign", "Link", "Campaign"), FieldInfo("source", "Link", "Lead Source")],
}
V16 = {
	"Lead": [
		FieldInfo("utm_source", "Link", "UTM Source"),
		FieldInfo("utm_medium", "Link", "UTM Medium"),
		FieldInfo("utm_campaign", "Link", "UTM Campaign"),
	],
	"Sales Order": [
		FieldInfo("utm_medium", "Link", "UTM Medium"),
		FieldInfo("utm_campaign", "Link", "UTM Campaign"),
	],
}


@pytest.mark.parametrize(
	"fields, expected",
	[
		(V15["Lead"], CampaignLink("campaign_name", "Campaign", "source")),
		(V15["Opportunity"], CampaignLink("campaign", "Campaign", "source")),
		(V15["Quotation"], CampaignLink("campaign", "Campaign", "source")),
		(V16["Lead"], CampaignLink("utm_campaign", "UTM Campaign", "utm_source")),
		(V16["Sales Order"], CampaignLink("utm_campaign", "UTM Campaign", None)),
	],
)
def test_erpnext_versions(fields, expected):
	assert choose_campaign_link(fields) == expected


def test_direct_campaign_link_wins_over_utm():
	fields = [FieldInfo("utm_campaign", "Link", "UTM Campaign"), FieldInfo("my_campaign", "Link", "Campaign")]
	assert choose_campaign_link(fields) == CampaignLink("my_campaign", "Campaign", None)


def test_preferred_fieldname_wins_among_several():
	fields = [FieldInfo("other", "Link", "Campaign"), FieldInfo("campaign", "Link", "Campaign")]
	assert choose_campaign_link(fields).fieldname == "campaign"


def test_v16_visible_utm_campaign_wins_over_the_hidden_pricing_field():
	fields = [*V16["Sales Order"], FieldInfo("campaign", "Link", "UTM Campaign")]
	assert choose_campaign_link(fields).fieldname == "utm_campaign"


def test_non_link_fields_are_ignored():
	assert choose_campaign_link([FieldInfo("campaign", "Data", "Campaign")]) is None
	assert choose_campaign_link([]) is None
