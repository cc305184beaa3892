"""The API's renderers (REST_FRAMEWORK settings). No import of DRF's views here: they read these settings."""

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's HTML view of the API. Its template has style attributes (not ours to change), so its pages
    allow inline styles; scripts stay as strict as on every page (its scripts are all files)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response.csp_allow = {"style-src": ["'unsafe-inline'"]}
        return super().render(data, accepted_media_type, renderer_context)
