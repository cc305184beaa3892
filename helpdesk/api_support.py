"""Pagination and small shared pieces the apps' APIs use."""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CursorPagination(pagination.CursorPagination):
    """Stable, index-friendly paging for big tables (tickets, events)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


def only_api_paths(endpoints):
    """drf-spectacular preprocessing hook: the schema documents /api/ only, not page views."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
