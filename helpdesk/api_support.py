"""Pagination and small shared pieces the apps' APIs use."""

import copy

import django_filters
from django.http import QueryDict
from django_filters.filters import QuerySetRequestMixin
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


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, with its per-request set-up done once per class.

    The stock one deep-copies every filter (choices and lazy labels with them) and builds a new form
    class on each request: most of the millisecond the ticket list spent filtering (bench/api.py).
    A filter keeps no request state but `model` and `parent` (where a `method=` filter finds its
    method), so each request gets shallow copies with those two set, and the form class is built once.
    Filters whose form field depends on the request (a queryset callable) keep the stock behaviour.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            filter_.model, filter_.parent = queryset.model, self
            if filter_.method:
                filter_.method = filter_.method  # binds the method to this filter set, not the class's
            self.filters[name] = filter_

    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            if any(isinstance(f, QuerySetRequestMixin) for f in cls.base_filters.values()):
                return super().get_form_class()
            fields = {name: base.field for name, base in cls.base_filters.items()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            cls._form_class = form_class
        return form_class
