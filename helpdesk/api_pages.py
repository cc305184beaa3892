"""The interactive API docs (Swagger UI, served from drf-spectacular-sidecar, no CDN)."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    """The interactive API docs under the Content-Security-Policy: the start-up script is a file of
    its own (the split view), and the page's one small <style> block carries the request's nonce."""

    template_name = "helpdesk/swagger_ui.html"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response.csp_allow = {"style-src": ["'nonce-{nonce}'"]}
        return response
