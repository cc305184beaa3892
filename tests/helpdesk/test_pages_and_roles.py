import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from customers.models import Contact, OrganizationDomain
from helpdesk.models import User
from tickets.management.commands.load_demo import LOGINS
from tickets.models import Attachment, Macro, SatisfactionRating, Status, Ticket


@pytest.mark.django_db
def test_anonymous_start_page_sends_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_agents_start_in_the_workspace_and_customers_in_the_portal(client, agent, customer):
    client.force_login(agent)
    assert client.get("/")["Location"] == "/agent/"
    client.force_login(customer)
    assert client.get("/")["Location"] == "/portal/"


@pytest.mark.django_db
def test_customer_gets_404_in_the_agent_workspace(client, customer):
    client.force_login(customer)
    assert client.get("/agent/").status_code == 404


@pytest.mark.django_db
def test_agent_cannot_reach_the_configuration(client, agent):
    client.force_login(agent)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_reaches_the_configuration(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/helpdesk/user/add/").status_code == 200
    assert client.get("/admin/helpdesk/team/").status_code == 200


@pytest.mark.django_db
def test_login_page_signs_in_with_email(client, agent):
    response = client.post("/login/", {"username": agent.email, "password": "secret-pass-1"})
    assert response.status_code == 302
    assert client.get("/agent/").status_code == 200


@pytest.mark.django_db
def test_profile_stores_language_and_time_zone(client, agent):
    client.force_login(agent)
    response = client.post("/profile/", {"full_name": "Sam", "language": "fa", "time_zone": "Asia/Tehran"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert (agent.language, agent.time_zone, agent.full_name) == ("fa", "Asia/Tehran", "Sam")


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_has_the_documented_logins(settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    for email, _role in LOGINS:
        user = User.objects.get(email=email)
        assert user.check_password("demo")
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert all(f"`{email}`" in readme for email, _role in LOGINS)  # the README lists every demo login
    assert User.objects.get(email="admin@example.com").is_admin
    assert User.objects.get(email="agent@example.com").is_agent
    assert Contact.objects.get(email="customer@example.com").organization.name == "Acme"
    assert Contact.objects.get(email="other@example.net").organization.name != "Acme"
    assert User.objects.filter(email="agent@example.com").count() == 1


@pytest.mark.django_db
def test_the_demo_looks_like_a_real_week_of_support(settings):
    """Issue #19: spread over the past days, most service levels met and only a few slipping, no
    numbered copies of one subject; macros, attachments, ratings, both languages, self-sign-up."""
    from django.utils import timezone

    settings.DEBUG = True
    call_command("load_demo")
    tickets = Ticket.objects.all()
    subjects = list(tickets.values_list("subject", flat=True))
    assert len(subjects) == len(set(subjects)) >= 20
    assert not any(subject.rstrip().endswith(")") and "(" in subject for subject in subjects)
    now = timezone.now()
    live = tickets.exclude(status__in=[Status.SOLVED, Status.CLOSED])
    late = live.sla_due_before(now).count()
    assert 1 <= late <= live.count() // 3, (late, live.count())
    assert tickets.filter(created_at__gte=now - timezone.timedelta(days=1)).exists()
    assert tickets.filter(created_at__lte=now - timezone.timedelta(days=4)).exists()
    assert Macro.objects.filter(is_global=True).count() >= 3
    assert Attachment.objects.filter(original_name="خطای-چاپ.png").exists()
    assert SatisfactionRating.objects.count() >= 4
    assert {"en", "fa"} <= set(Contact.objects.values_list("language", flat=True))
    assert OrganizationDomain.objects.get(domain="example.com").allow_signup


@pytest.mark.django_db
def test_load_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")
    call_command("load_demo", "--force")
    assert User.objects.filter(email="admin@example.com").exists()
