from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import views
from .api_pages import SwaggerView
from .audit import views as audit_views
from .security import oidc
from .security import views as security_views

api_urlpatterns = [
    path("", include("helpdesk.api_urls")),
    path("", include("customers.api_urls")),
    path("", include("tickets.api.urls")),
    path("", include("tickets.feedback.api_urls")),
    path("", include("tickets.opportunities.api_urls")),
    path("", include("tickets.privacy.api_urls")),
    path("", include("tickets.problems.api_urls")),
    path("", include("tickets.statuses.api_urls")),
    path("", include("tickets.blocklist.api_urls")),
    path("", include("tickets.satisfaction.api_urls")),
    path("", include("tickets.alerts.api_urls")),
    path("", include("tickets.email.urls")),
    path("kb/", include("knowledgebase.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.profile_password, name="profile_password"),
    path("profile/availability/", views.profile_availability, name="profile_availability"),
    path("profile/tokens/", views.profile_token_create, name="profile_token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.profile_token_revoke, name="profile_token_revoke"),
    path("profile/tokens/revoke-all/", security_views.tokens_revoke_all, name="profile_tokens_revoke_all"),
    path("profile/two-factor/", security_views.two_factor_setup, name="two_factor_setup"),
    path("profile/two-factor/verify/", security_views.two_factor_verify, name="two_factor_verify"),
    path("profile/two-factor/recovery-codes/", security_views.recovery_codes, name="two_factor_recovery_codes"),
    path("profile/two-factor/off/", security_views.two_factor_disable, name="two_factor_disable"),
    path("profile/sessions/<int:session_id>/end/", security_views.session_end, name="profile_session_end"),
    path("profile/sessions/end-others/", security_views.sessions_end_others, name="profile_sessions_end_others"),
    path("oidc/authenticate/", oidc.OIDCStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc_authentication_callback"),
    path("account/", include("customers.account_urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("agent/", include(("tickets.workspace.urls", "agent"))),
    path("portal/", include(("tickets.portal.urls", "portal"))),
    path("kb/", include(("knowledgebase.urls", "kb"))),
    path("attachments/", include("tickets.attachments.urls")),
    path("api/v1/", include(api_urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/audit-log/", audit_views.audit_log_page, name="admin_audit_log"),
    path("admin/", admin.site.urls),
]

handler400 = "helpdesk.views.bad_request"
handler404 = "helpdesk.views.api_not_found"
handler500 = "helpdesk.views.server_error"
