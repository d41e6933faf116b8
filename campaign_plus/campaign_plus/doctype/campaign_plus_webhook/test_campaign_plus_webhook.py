# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt

import unittest


class TestCampaignPlusWebhook(unittest.TestCase):
	def test_urls_name_the_provider_and_the_account(self):
		from campaign_plus.webhooks.settings import webhook_url

		url = webhook_url("SendGrid", "Shop Mail")
		self.assertIn("/api/method/campaign_plus.webhooks.api.sendgrid?account=Shop%20Mail", url)
