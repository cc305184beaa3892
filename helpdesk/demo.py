"""Demo users and teams. Idempotent: running it again changes nothing that already exists."""

from .models import Role, Team, User

DEMO_PASSWORD = "demo"

TEAMS = [
    ("first-line", "First-line support", "Takes every new request first."),
    ("second-line", "Second-line support", "Deep technical problems."),
    ("development", "Development", "Bugs and product feedback."),
    ("billing", "Billing", "Invoices, payments and refunds."),
    ("sales", "Sales", "Upgrades, renewals and new business."),
]
TEAM_NAMES_FA = {
    "first-line": "پشتیبانی خط اول",
    "second-line": "پشتیبانی خط دوم",
    "development": "توسعه",
    "billing": "مالی و صورت‌حساب",
    "sales": "فروش",
}

AGENTS = [
    ("admin@example.com", "Ada Admin", Role.ADMIN, "en", ["first-line", "second-line"]),
    ("agent@example.com", "Sam Agent", Role.AGENT, "en", ["first-line"]),
    ("reza@example.com", "رضا احمدی", Role.AGENT, "fa", ["first-line", "second-line"]),
    ("dev@example.com", "Dana Developer", Role.AGENT, "en", ["development"]),
    ("billing@example.com", "مریم کریمی", Role.AGENT, "fa", ["billing", "sales"]),
]


# The Persian demo people work in Tehran: their times show there, not in the site's default (UTC).
DEMO_TIME_ZONES = {"fa": "Asia/Tehran"}


def _user(email: str, full_name: str, role: str, language: str = "") -> User:
    time_zone = DEMO_TIME_ZONES.get(language, "")
    user = User.objects.with_email(email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=full_name, role=role, language=language, time_zone=time_zone
        )
        if role == Role.ADMIN:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
    elif time_zone and not user.time_zone:  # demo data loaded before zones were set
        User.objects.filter(pk=user.pk, time_zone="").update(time_zone=time_zone)
        user.time_zone = time_zone
    return user


def load() -> dict:
    teams = {}
    for slug, name, description in TEAMS:
        teams[slug], _ = Team.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
        Team.objects.filter(slug=slug, name_fa="").update(name_fa=TEAM_NAMES_FA[slug])
    users = {}
    for email, name, role, language, team_slugs in AGENTS:
        user = _user(email, name, role, language)
        user.teams.add(*[teams[s] for s in team_slugs])
        users[email] = user
    for slug, lead_email in [
        ("first-line", "agent@example.com"),
        ("second-line", "reza@example.com"),
        ("development", "dev@example.com"),
        ("billing", "billing@example.com"),
    ]:
        Team.objects.filter(slug=slug, lead__isnull=True).update(lead=users[lead_email])
    return {"teams": teams, "users": users}


def customer_user(email: str, full_name: str, language: str = "") -> User:
    return _user(email, full_name, Role.CUSTOMER, language)
