"""The demo knowledge base's categories, articles (English and Persian), translations and links."""

from knowledgebase.models import Status, Visibility

CATEGORIES = [
    # slug, name, description, parent slug, order, language
    ("installation", "Installation & setup", "Install the app, connect your account and get going.", None, 1, "en"),
    ("billing", "Billing & payments", "Invoices, payment methods, plans and refunds.", None, 2, "en"),
    ("troubleshooting", "Troubleshooting", "When something does not work as expected.", None, 3, "en"),
    (
        "email-issues",
        "Email & notifications",
        "Messages that do not arrive or arrive twice.",
        "troubleshooting",
        1,
        "en",
    ),
    (
        "connection-issues",
        "Connection problems",
        "Sync errors, time-outs and offline mode.",
        "troubleshooting",
        2,
        "en",
    ),
    ("fa-installation", "نصب و راه‌اندازی", "نصب برنامه، اتصال حساب و شروع کار.", None, 1, "fa"),
    ("fa-billing", "صورتحساب و پرداخت", "فاکتورها، روش‌های پرداخت، طرح‌ها و بازپرداخت.", None, 2, "fa"),
    ("fa-troubleshooting", "رفع اشکال", "وقتی چیزی آن‌طور که باید کار نمی‌کند.", None, 3, "fa"),
]

# slug, category slug, language, visibility, status, title, summary, tags, body
ARTICLES = [
    (
        "install-desktop-app",
        "installation",
        "en",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "Install the desktop app on Windows, macOS or Linux",
        "Download the installer, run it and sign in with your work email.",
        ["installation", "desktop"],
        """The desktop app runs on **Windows 10 or later**, **macOS 12 or later** and current Ubuntu and Fedora releases.

## Steps

1. Download the installer from your account page (*Downloads*).
2. Run it. On macOS, drag the app to *Applications*; on Linux, install the `.deb` or `.rpm` package.
3. Start the app and sign in with your work email.

## Network requirements

The app talks to `https://api.example.com` on port 443. If your company uses a proxy, see
[Configure a proxy](/kb/articles/configure-proxy/).

> Tip: you can install the app on up to five devices per licence.
""",
    ),
    (
        "configure-proxy",
        "installation",
        "en",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "Configure a proxy server",
        "Use the app behind a corporate HTTP proxy, with or without authentication.",
        ["installation", "network", "proxy"],
        """Open **Settings → Network** and choose *Manual proxy*.

| Field | Example |
|-------|---------|
| Host | `proxy.example.local` |
| Port | `3128` |
| Authentication | your Windows login |

Restart the app after saving. If sync then fails with *407 Proxy Authentication Required*, ask your
IT team to allow `api.example.com` without authentication.
""",
    ),
    (
        "first-steps-workspace",
        "installation",
        "en",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "First steps: create your workspace and invite your team",
        "Set up a workspace, invite colleagues and choose who administers it.",
        ["getting started", "team"],
        """After installing, create a **workspace** for your company.

- Invite colleagues from *Settings → Members* by email.
- Give at least two people the *Administrator* role, so nobody is locked out on holiday.
- Connect your calendar to see deadlines in one place.
""",
    ),
    (
        "silent-install-msi",
        "installation",
        "en",
        Visibility.CUSTOMERS,
        Status.PUBLISHED,
        "Silent installation with MSI for IT administrators",
        "Deploy the app to many Windows machines with Group Policy or Intune.",
        ["installation", "windows", "msi", "administrators"],
        """Download the MSI package from the customer area, then run:

```
msiexec /i ExampleApp.msi /qn LICENSEKEY=XXXX-XXXX AUTOUPDATE=1
```

`AUTOUPDATE=0` turns automatic updates off, which some change-management processes require.
""",
    ),
    (
        "download-invoices",
        "billing",
        "en",
        Visibility.CUSTOMERS,
        Status.PUBLISHED,
        "Download your invoices",
        "Every invoice is available as a PDF in the billing section of your account.",
        ["billing", "invoice"],
        """Go to **Account → Billing → Invoices**. Each invoice can be downloaded as a PDF.

Invoices are issued on the first day of each billing period and sent to the billing contact.
To change who receives them, see [Update billing details](/kb/articles/update-billing-details/).
""",
    ),
    (
        "update-billing-details",
        "billing",
        "en",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "Update your payment method and billing details",
        "Change the card on file, the billing address or the VAT number.",
        ["billing", "payment", "credit card"],
        """Administrators can change billing details under **Account → Billing**.

- **Card**: choose *Replace card*. The new card is charged from the next invoice.
- **Address and VAT number**: they appear on invoices issued after the change.
- **Bank transfer**: available for yearly plans; ask our billing team.
""",
    ),
    (
        "refund-policy",
        "billing",
        "en",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "Refunds and cancellations",
        "Cancel at any time; yearly plans are refunded pro rata within 30 days.",
        ["billing", "refund", "cancel"],
        """You can cancel your subscription at any time from **Account → Billing → Plan**.

Monthly plans run until the end of the paid month. Yearly plans cancelled within **30 days** are
refunded in full; after that, unused full months are refunded.
""",
    ),
    (
        "billing-internal-discounts",
        "billing",
        "en",
        Visibility.INTERNAL,
        Status.PUBLISHED,
        "Internal: discount approval rules",
        "Who may approve which discount, and how to record it.",
        ["billing", "internal"],
        """Agents may grant up to **10 %** once per customer. Anything above needs the billing team lead.
Record every discount as an internal note on the ticket.
""",
    ),
    (
        "emails-not-arriving",
        "email-issues",
        "en",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "Notification emails are not arriving",
        "Check spam, allow our sending domain and verify your notification settings.",
        ["email", "notifications", "spam"],
        """1. Look in your spam or junk folder and mark our message as *not spam*.
2. Ask your email administrator to allow mail from `notifications.example.com`.
3. In **Settings → Notifications**, check that email notifications are on.

Still nothing after an hour? Contact us with the time you expected a message.
""",
    ),
    (
        "sync-error-timeout",
        "connection-issues",
        "en",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "Sync fails with “Connection timed out”",
        "Usually a firewall or proxy blocks the connection; here is how to check.",
        ["sync", "network", "troubleshooting"],
        """A time-out means the app could not reach our servers.

- Open `https://api.example.com/health` in a browser. If it does not load, the network blocks it.
- Behind a proxy? See [Configure a proxy](/kb/articles/configure-proxy/).
- VPN users: try once without the VPN to narrow it down.

The app keeps working offline and syncs when the connection is back.
""",
    ),
    (
        "reset-password",
        "troubleshooting",
        "en",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "Reset a forgotten password",
        "Request a reset link on the sign-in page; it is valid for one hour.",
        ["account", "password", "login"],
        """On the sign-in page choose **Forgot password?** and enter your work email. The link we send is
valid for one hour. If your company signs in with single sign-on, reset the password with your IT team instead.
""",
    ),
    (
        "offline-mode-draft",
        "connection-issues",
        "en",
        Visibility.PUBLIC,
        Status.DRAFT,
        "Working offline (draft)",
        "What works without a connection, and how conflicts are resolved.",
        ["offline", "sync"],
        """Work in progress: document offline editing and conflict resolution.""",
    ),
    (
        "نصب-برنامه-دسکتاپ",
        "fa-installation",
        "fa",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "نصب برنامهٔ دسکتاپ روی ویندوز، مک یا لینوکس",
        "فایل نصب را دریافت کنید، اجرا کنید و با ایمیل کاری خود وارد شوید.",
        ["نصب", "دسکتاپ"],
        """برنامهٔ دسکتاپ روی **ویندوز ۱۰ به بعد**، **مک‌اواس ۱۲ به بعد** و نسخه‌های جاری اوبونتو و فدورا اجرا می‌شود.

## مراحل نصب

1. فایل نصب را از صفحهٔ حساب کاربری (بخش *دریافت‌ها*) دانلود کنید.
2. آن را اجرا کنید. در مک، برنامه را به پوشهٔ *Applications* بکشید.
3. برنامه را باز کنید و با ایمیل کاری خود وارد شوید.

> نکته: با هر مجوز می‌توانید برنامه را روی پنج دستگاه نصب کنید.
""",
    ),
    (
        "تنظیم-پروکسی",
        "fa-installation",
        "fa",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "تنظیم سرور پروکسی",
        "استفاده از برنامه در شبکه‌ای که از پروکسی سازمانی استفاده می‌کند.",
        ["نصب", "شبکه", "پروکسی"],
        """به **تنظیمات ← شبکه** بروید و گزینهٔ *پروکسی دستی* را انتخاب کنید. نشانی و درگاه پروکسی
(مثلاً `3128`) را وارد کنید و برنامه را دوباره باز کنید.

اگر همگام‌سازی با خطای *407* متوقف شد، از واحد فناوری اطلاعات بخواهید دسترسی به `api.example.com` را بدون احراز هویت باز کند.
""",
    ),
    (
        "دریافت-فاکتور",
        "fa-billing",
        "fa",
        Visibility.CUSTOMERS,
        Status.PUBLISHED,
        "دریافت فاکتورها",
        "همهٔ فاکتورها به صورت PDF در بخش صورتحساب حساب کاربری شما موجود است.",
        ["صورتحساب", "فاکتور"],
        """به **حساب کاربری ← صورتحساب ← فاکتورها** بروید. هر فاکتور را می‌توانید به صورت PDF دریافت کنید.

فاکتورها در روز اول هر دورهٔ صورتحساب صادر و برای مسئول مالی شرکت ارسال می‌شوند.
""",
    ),
    (
        "تغییر-روش-پرداخت",
        "fa-billing",
        "fa",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "تغییر روش پرداخت و اطلاعات مالی",
        "کارت بانکی، نشانی صورتحساب یا شناسهٔ مالیاتی را تغییر دهید.",
        ["صورتحساب", "پرداخت", "کارت بانکی"],
        """مدیران حساب می‌توانند اطلاعات مالی را در **حساب کاربری ← صورتحساب** تغییر دهند.

- **کارت بانکی**: گزینهٔ *جایگزینی کارت* را بزنید؛ از فاکتور بعدی از کارت جدید برداشت می‌شود.
- **نشانی و شناسهٔ مالیاتی**: در فاکتورهای بعد از تغییر نمایش داده می‌شوند.
- **واریز بانکی**: برای طرح‌های سالانه ممکن است؛ با واحد مالی تماس بگیرید.
""",
    ),
    (
        "بازپرداخت-و-لغو",
        "fa-billing",
        "fa",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "بازپرداخت و لغو اشتراک",
        "هر زمان می‌توانید اشتراک را لغو کنید؛ طرح سالانه تا ۳۰ روز کامل بازپرداخت می‌شود.",
        ["صورتحساب", "بازپرداخت", "لغو"],
        """اشتراک را هر زمان از **حساب کاربری ← صورتحساب ← طرح** لغو کنید.

طرح ماهانه تا پایان ماهِ پرداخت‌شده فعال می‌ماند. طرح سالانه اگر ظرف **۳۰ روز** لغو شود، کامل بازپرداخت می‌شود.
""",
    ),
    (
        "ایمیل-اعلان-نمیرسد",
        "fa-troubleshooting",
        "fa",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "ایمیل‌های اعلان به دستم نمی‌رسد",
        "پوشهٔ هرزنامه را ببینید، دامنهٔ ارسال ما را مجاز کنید و تنظیمات اعلان را بررسی کنید.",
        ["ایمیل", "اعلان", "هرزنامه"],
        """۱. پوشهٔ هرزنامه را بررسی کنید و پیام ما را «هرزنامه نیست» علامت بزنید.
2. از مدیر ایمیل سازمان بخواهید ایمیل‌های `notifications.example.com` را مجاز کند.
3. در **تنظیمات ← اعلان‌ها** مطمئن شوید اعلان ایمیلی روشن است.
""",
    ),
    (
        "بازیابی-رمز-عبور",
        "fa-troubleshooting",
        "fa",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "بازیابی رمز عبور فراموش‌شده",
        "در صفحهٔ ورود، پیوند بازیابی بگیرید؛ این پیوند یک ساعت اعتبار دارد.",
        ["حساب کاربری", "رمز عبور", "ورود"],
        """در صفحهٔ ورود روی **رمز عبور را فراموش کرده‌اید؟** بزنید و ایمیل کاری خود را وارد کنید.
پیوندی که می‌فرستیم یک ساعت معتبر است. اگر شرکت شما از ورود یکپارچه (SSO) استفاده می‌کند، رمز را از طریق واحد فناوری اطلاعات تغییر دهید.
""",
    ),
    (
        "خطای-همگامسازی",
        "fa-troubleshooting",
        "fa",
        Visibility.PUBLIC,
        Status.PUBLISHED,
        "خطای «مهلت اتصال تمام شد» هنگام همگام‌سازی",
        "معمولاً دیوار آتش یا پروکسی اتصال را مسدود کرده است؛ این‌طور بررسی کنید.",
        ["همگام‌سازی", "شبکه", "رفع اشکال"],
        """این خطا یعنی برنامه به سرورهای ما دسترسی ندارد.

- نشانی `https://api.example.com/health` را در مرورگر باز کنید؛ اگر باز نشد، شبکه آن را مسدود کرده است.
- اگر پشت پروکسی هستید، مقالهٔ تنظیم پروکسی را ببینید.
- برنامه بدون اتصال هم کار می‌کند و پس از برقراری اتصال همگام می‌شود.
""",
    ),
]

TRANSLATIONS = [
    ("install-desktop-app", "نصب-برنامه-دسکتاپ"),
    ("configure-proxy", "تنظیم-پروکسی"),
    ("download-invoices", "دریافت-فاکتور"),
    ("update-billing-details", "تغییر-روش-پرداخت"),
    ("refund-policy", "بازپرداخت-و-لغو"),
    ("emails-not-arriving", "ایمیل-اعلان-نمیرسد"),
    ("reset-password", "بازیابی-رمز-عبور"),
    ("sync-error-timeout", "خطای-همگامسازی"),
]

RELATED = [
    ("install-desktop-app", ["configure-proxy", "first-steps-workspace", "silent-install-msi"]),
    ("sync-error-timeout", ["configure-proxy", "emails-not-arriving"]),
    ("download-invoices", ["update-billing-details", "refund-policy"]),
    ("نصب-برنامه-دسکتاپ", ["تنظیم-پروکسی"]),
    ("خطای-همگامسازی", ["تنظیم-پروکسی"]),
    ("دریافت-فاکتور", ["تغییر-روش-پرداخت", "بازپرداخت-و-لغو"]),
]
