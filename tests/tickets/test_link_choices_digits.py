"""The ticket page's problem and product-feedback dropdowns number their items in the page's digits."""

import pytest
from django.utils import translation

from helpdesk.dates import persian_digits
from tickets.feedback.forms import LinkItemForm
from tickets.models import FeedbackItem, Problem
from tickets.problems.forms import TicketProblemForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "label"), [("fa", "۳ · فاکتور رسمی"), ("en", "3 · فاکتور رسمی")])
def test_problem_choices_show_their_number_in_the_pages_digits(language, label):
    with translation.override(language):
        form = TicketProblemForm(choices=[Problem(pk=3, title="فاکتور رسمی")])
    assert (str(3), label) in list(form.fields["problem"].choices)


def test_feedback_choices_show_their_number_in_persian_digits():
    item = FeedbackItem.objects.create(title="Backup storage")
    with translation.override("fa"):
        choices = list(LinkItemForm().fields["item"].choices)
    assert (str(item.pk), f"{persian_digits(item.pk)} · Backup storage") in choices
