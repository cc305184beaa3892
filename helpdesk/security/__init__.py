"""Sign-in security: two-factor sign-in (twofactor), signed-in sessions (sessions), single sign-on
with OpenID Connect (oidc), their middleware and pages (views)."""
