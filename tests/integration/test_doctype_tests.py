# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
"""Run each doctype's own test module (what `bench run-tests --app campaign_plus` runs) here too."""

from campaign_plus.campaign_plus.doctype.campaign_ab_test.test_campaign_ab_test import *
from campaign_plus.campaign_plus.doctype.campaign_ab_variant.test_campaign_ab_variant import *
from campaign_plus.campaign_plus.doctype.campaign_activity.test_campaign_activity import *
from campaign_plus.campaign_plus.doctype.campaign_activity_assignment.test_campaign_activity_assignment import *
from campaign_plus.campaign_plus.doctype.campaign_activity_step.test_campaign_activity_step import *
from campaign_plus.campaign_plus.doctype.campaign_bounce.test_campaign_bounce import *
from campaign_plus.campaign_plus.doctype.campaign_consent.test_campaign_consent import *
from campaign_plus.campaign_plus.doctype.campaign_engagement_event.test_campaign_engagement_event import *
from campaign_plus.campaign_plus.doctype.campaign_entry.test_campaign_entry import *
from campaign_plus.campaign_plus.doctype.campaign_event_rule.test_campaign_event_rule import *
from campaign_plus.campaign_plus.doctype.campaign_form.test_campaign_form import *
from campaign_plus.campaign_plus.doctype.campaign_form_field.test_campaign_form_field import *
from campaign_plus.campaign_plus.doctype.campaign_form_submission.test_campaign_form_submission import *
from campaign_plus.campaign_plus.doctype.campaign_form_view.test_campaign_form_view import *
from campaign_plus.campaign_plus.doctype.campaign_interaction.test_campaign_interaction import *
from campaign_plus.campaign_plus.doctype.campaign_item_price.test_campaign_item_price import *
from campaign_plus.campaign_plus.doctype.campaign_line_discount.test_campaign_line_discount import *
from campaign_plus.campaign_plus.doctype.campaign_link_set.test_campaign_link_set import *
from campaign_plus.campaign_plus.doctype.campaign_plus_sending_limit.test_campaign_plus_sending_limit import *
from campaign_plus.campaign_plus.doctype.campaign_plus_settings.test_campaign_plus_settings import *
from campaign_plus.campaign_plus.doctype.campaign_score_rule.test_campaign_score_rule import *
from campaign_plus.campaign_plus.doctype.campaign_segment.test_campaign_segment import *
from campaign_plus.campaign_plus.doctype.campaign_segment_change.test_campaign_segment_change import *
from campaign_plus.campaign_plus.doctype.campaign_segment_criteria.test_campaign_segment_criteria import *
from campaign_plus.campaign_plus.doctype.campaign_segment_member.test_campaign_segment_member import *
from campaign_plus.campaign_plus.doctype.campaign_segment_step.test_campaign_segment_step import *
from campaign_plus.campaign_plus.doctype.campaign_send_log.test_campaign_send_log import *
from campaign_plus.campaign_plus.doctype.campaign_status.test_campaign_status import *
from campaign_plus.campaign_plus.doctype.campaign_step_engagement.test_campaign_step_engagement import *
from campaign_plus.campaign_plus.doctype.campaign_target_customer.test_campaign_target_customer import *
