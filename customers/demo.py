"""Demo customers, products, calendars, SLA policies and contracts. Idempotent."""

from datetime import date, time

from helpdesk import demo as core_demo
from helpdesk.models import Priority

from .models import (
    BusinessCalendar,
    Contact,
    Holiday,
    Organization,
    OrganizationDomain,
    Product,
    ServiceContract,
    SlaPolicy,
    SlaTarget,
    WorkingPeriod,
)
from .services import phone_digits


def _calendars() -> dict:
    office, created = BusinessCalendar.objects.get_or_create(
        name="Tehran office", defaults={"time_zone": "Asia/Tehran"}
    )
    if created:
        for weekday in (5, 6, 0, 1, 2):  # Saturday to Wednesday
            WorkingPeriod.objects.create(calendar=office, weekday=weekday, start=time(8), end=time(16))
        WorkingPeriod.objects.create(calendar=office, weekday=3, start=time(8), end=time(12))  # short Thursday
        for day, days, name in [(1, 4, "Nowruz"), (13, 1, "Sizdah Bedar")]:  # Nowruz: 1 to 4 Farvardin
            Holiday.objects.create(
                calendar=office, name=name, recurrence=Holiday.Recurrence.JALALI, month=1, day=day, days=days
            )
    berlin, created = BusinessCalendar.objects.get_or_create(
        name="Berlin office", defaults={"time_zone": "Europe/Berlin"}
    )
    if created:
        for weekday in range(5):
            WorkingPeriod.objects.create(calendar=berlin, weekday=weekday, start=time(9), end=time(12, 30))
            WorkingPeriod.objects.create(calendar=berlin, weekday=weekday, start=time(13, 30), end=time(18))
        Holiday.objects.create(
            calendar=berlin, name="New Year", recurrence=Holiday.Recurrence.GREGORIAN, month=1, day=1
        )
    always, _ = BusinessCalendar.objects.get_or_create(name="24/7", defaults={"always_open": True})
    return {"office": office, "berlin": berlin, "always": always}


def _policy(name: str, calendar, targets: dict, *, default: bool = False) -> SlaPolicy:
    policy, created = SlaPolicy.objects.get_or_create(name=name, defaults={"calendar": calendar, "is_default": default})
    if created:
        for priority, (first, nxt, resolution) in targets.items():
            SlaTarget.objects.create(
                policy=policy,
                priority=priority,
                first_response_minutes=first,
                next_response_minutes=nxt,
                resolution_minutes=resolution,
            )
    return policy


def _policies(calendars: dict) -> tuple[SlaPolicy, SlaPolicy]:
    standard = _policy(
        "Standard",
        calendars["office"],
        {
            Priority.LOW: (8 * 60, 16 * 60, 40 * 60),
            Priority.NORMAL: (4 * 60, 8 * 60, 24 * 60),
            Priority.HIGH: (60, 4 * 60, 8 * 60),
            Priority.URGENT: (30, 60, 4 * 60),
        },
        default=True,
    )
    premium = _policy(
        "Premium 24/7",
        calendars["always"],
        {
            Priority.LOW: (4 * 60, 8 * 60, 24 * 60),
            Priority.NORMAL: (60, 4 * 60, 12 * 60),
            Priority.HIGH: (30, 60, 4 * 60),
            Priority.URGENT: (15, 30, 2 * 60),
        },
    )
    return standard, premium


def _products() -> dict[str, Product]:
    products = {}
    for code, name, name_fa, policy_text, policy_text_fa in [
        (
            "cloud",
            "Cloud hosting",
            "میزبانی ابری",
            "Covered: uptime, backups, restores. Not covered: code running on the servers.",
            "پوشش داده می‌شود: دسترس‌پذیری، پشتیبان‌گیری و بازیابی. پوشش داده نمی‌شود: کدی که روی سرورها اجرا می‌شود.",
        ),
        (
            "mail",
            "Business email",
            "ایمیل سازمانی",
            "Covered: delivery, spam filtering, mailbox restores within 30 days.",
            "پوشش داده می‌شود: تحویل نامه، پالایش هرزنامه و بازیابی صندوق تا ۳۰ روز.",
        ),
        (
            "erp",
            "ERP suite",
            "سامانهٔ برنامه‌ریزی منابع سازمان",
            "Covered: defects and configuration questions. Custom reports are billed.",
            "پوشش داده می‌شود: ایرادها و پرسش‌های پیکربندی. گزارش‌های سفارشی هزینه دارند.",
        ),
    ]:
        defaults = {"name": name, "name_fa": name_fa, "policy_text": policy_text, "policy_text_fa": policy_text_fa}
        products[code], _ = Product.objects.get_or_create(code=code, defaults=defaults)
    return products


def _organizations() -> dict[str, Organization]:
    acme, _ = Organization.objects.get_or_create(
        name="Acme", defaults={"share_tickets": True, "notes": "Key account since 2021. Renewal every March."}
    )
    # Anyone with an @example.com address may sign up on the portal and join Acme (the demo shows it).
    OrganizationDomain.objects.get_or_create(
        domain="example.com", defaults={"organization": acme, "allow_signup": True}
    )
    globex, _ = Organization.objects.get_or_create(name="Globex", defaults={"share_tickets": False})
    OrganizationDomain.objects.get_or_create(domain="example.net", defaults={"organization": globex})
    parsian, _ = Organization.objects.get_or_create(name="پارسیان تجارت", defaults={"share_tickets": True})
    OrganizationDomain.objects.get_or_create(domain="parsian.example.org", defaults={"organization": parsian})
    return {"acme": acme, "globex": globex, "parsian": parsian}


def _contacts(organizations: dict[str, Organization]) -> dict[str, Contact]:
    acme, globex, parsian = organizations["acme"], organizations["globex"], organizations["parsian"]
    contacts = {}
    for email, name, org, language, phone, has_login in [
        ("customer@example.com", "Carla Customer", acme, "en", "+1 555 0100", True),
        ("bob@example.com", "Bob Builder", acme, "en", "+1 555 0101", False),
        ("other@example.net", "Otto Other", globex, "en", "+49 30 1234567", True),
        ("sara@parsian.example.org", "سارا محمدی", parsian, "fa", "۰۲۱ ۸۸۷۷ ۶۶۵۵", True),
    ]:
        contact = Contact.objects.with_email(email).first()
        if contact is None:
            user = core_demo.customer_user(email, name, language) if has_login else None
            contact = Contact.objects.create(
                email=email,
                full_name=name,
                organization=org,
                language=language,
                time_zone=core_demo.DEMO_TIME_ZONES.get(language, ""),
                phone=phone,
                phone_digits=phone_digits(phone),  # Persian digits folded, as the service does
                user=user,
            )
        contacts[email] = contact
    return contacts


# Persian names of the demo's records (set where an admin has not named them already).
NAMES_FA = {
    BusinessCalendar: {"Tehran office": "دفتر تهران", "Berlin office": "دفتر برلین", "24/7": "شبانه‌روزی"},
    Holiday: {"Nowruz": "نوروز", "Sizdah Bedar": "سیزده‌به‌در", "New Year": "آغاز سال میلادی"},
    SlaPolicy: {"Standard": "استاندارد", "Premium 24/7": "ویژه شبانه‌روزی"},
    Product: {
        "Cloud hosting": "میزبانی ابری",
        "Business email": "ایمیل سازمانی",
        "ERP suite": "سامانه برنامه‌ریزی منابع",
    },
}


def _persian_names() -> None:
    for model, names in NAMES_FA.items():
        for name, name_fa in names.items():
            model.objects.filter(name=name, name_fa="").update(name_fa=name_fa)


def load() -> dict:
    calendars = _calendars()
    standard, premium = _policies(calendars)
    products = _products()
    _persian_names()
    organizations = _organizations()
    acme, parsian = organizations["acme"], organizations["parsian"]
    contacts = _contacts(organizations)

    if not ServiceContract.objects.filter(organization=acme).exists():
        contract = ServiceContract.objects.create(
            name="Acme Premium 2026",
            organization=acme,
            sla_policy=premium,
            valid_from=date(2026, 1, 1),
            valid_to=date(2027, 3, 31),
            hours_bank=20,
        )
        contract.products.set([products["cloud"], products["mail"]])
    if not ServiceContract.objects.filter(organization=parsian).exists():
        contract = ServiceContract.objects.create(
            name="قرارداد پشتیبانی ۱۴۰۵",
            organization=parsian,
            sla_policy=standard,
            valid_from=date(2026, 3, 21),
            hours_bank=1,
        )
        contract.products.set([products["erp"]])
    return {
        "calendars": calendars,
        "policies": {"standard": standard, "premium": premium},
        "products": products,
        "organizations": organizations,
        "contacts": contacts,
    }
