"""A report page on a narrow screen: the date range and "Show" stay in sight, the grouping and filters fold
away under their summary (unfolded when one narrows the report or was refused), and a chart over time
starts at its latest end."""

import re

import pytest
from django.utils import translation

from helpdesk import charts
from helpdesk.templatetags.helpdesk import chart as chart_tag
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def _folded(html: str) -> tuple[str, str]:
    """(the <details> opening tag, what the fold holds)."""
    found = re.search(r'(<details class="filter-more report-more"[^>]*>)(.*?)</details>', html, re.S)
    assert found, "the grouping and filters are not folded"
    return found.group(1), found.group(2)


@pytest.fixture
def signed_in(client, agent, customer):
    make_ticket(requester=customer.contact, actor=agent, subject="Counted")
    client.force_login(agent)
    return client


def test_the_range_stays_in_sight_and_the_grouping_and_filters_fold(signed_in, team):
    html = signed_in.get("/agent/reports/volume/").content.decode()
    tag, folded = _folded(html)
    outside = html.replace(folded, "")
    assert 'name="start"' in outside and 'name="end"' in outside and "Show" in outside
    for name in ("bucket", "team", "agent", "product", "channel"):
        assert f'name="{name}"' in folded and f'name="{name}"' not in outside
    assert "Grouping and filters" in html and "data-open-wide" in tag and " open" not in tag


def test_a_filter_that_narrows_the_report_shows_unfolded(signed_in, team):
    tag, _ = _folded(signed_in.get("/agent/reports/volume/", {"team": team.pk}).content.decode())
    assert tag.endswith(" open>")
    # a grouping choice alone narrows nothing: the fold stays as it is
    tag, _ = _folded(signed_in.get("/agent/reports/volume/", {"bucket": "month"}).content.decode())
    assert " open" not in tag


def test_the_folds_summary_names_what_it_holds_other_than_the_defaults(signed_in, agent, team):
    def summary(slug: str, **query) -> str:
        html = signed_in.get(f"/agent/reports/{slug}/", query).content.decode()
        return re.search(r"<summary>(.*?)</summary>", html, re.S).group(1)

    assert summary("volume", bucket="week") == "Grouping and filters"  # the default period says nothing
    chosen = summary("volume", bucket="month", team=team.pk, channel="")
    assert "Per: <bdi>Month</bdi>" in chosen and f"Team: <bdi>{team.name}</bdi>" in chosen
    assert "Channel" not in chosen  # "All" is no choice
    agent.language = "fa"
    agent.save(update_fields=["language"])
    assert "<bdi>۱۴</bdi>" in summary("recurring", days="14")  # a number of days, in Persian digits


def test_a_refused_folded_field_shows_unfolded_with_its_error(signed_in):
    response = signed_in.get("/agent/reports/volume/", {"team": "999999"})
    tag, folded = _folded(response.content.decode())
    assert tag.endswith(" open>") and "field-error" in folded


def test_the_fold_reads_in_persian(signed_in, agent):
    agent.language = "fa"
    agent.save(update_fields=["language"])
    html = signed_in.get("/agent/reports/volume/").content.decode()
    assert "گروه‌بندی و پالایه‌ها" in html


def test_a_chart_over_time_starts_at_its_latest_end_and_another_where_it_begins():
    series = [charts.Series("Email", [1, 2, 3])]
    over_time = charts.Chart(kind="line", title="t", categories=["a", "b", "c"], series=series, over_time=True)
    ranked = charts.Chart(kind="bar", title="t", categories=["a", "b", "c"], series=series)
    with translation.override("en"):
        assert '<div class="chart-scroll" data-scroll-end>' in chart_tag(over_time)
        assert '<div class="chart-scroll">' in chart_tag(ranked) and "data-scroll-end" not in chart_tag(ranked)


def test_the_volume_reports_chart_is_over_time(signed_in):
    assert b"data-scroll-end" in signed_in.get("/agent/reports/volume/").content
    assert b"data-scroll-end" not in signed_in.get("/agent/reports/workload/").content
