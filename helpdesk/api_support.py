"""Pagination, filtering and the schema pieces the apps' APIs share."""

import copy
from datetime import UTC, timedelta

import django_filters
import django_filters.fields
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import filterset as drf_filterset
from drf_spectacular.authentication import SessionScheme, TokenScheme
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


def page_size_of(request, *, default: int, maximum: int, param: str = "page_size") -> int:
    """The rows per page a list call asks for: `default` when it does not say, at most `maximum`, and a
    400 for anything but a whole number of at least 1 (every paginated list alike; DRF's own paginators
    quietly used the default)."""
    raw = request.query_params.get(param)
    if raw is None:
        return default
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if size < 1:
        raise ValidationError({param: [_("A whole number of at least 1.")]})
    return min(size, maximum)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        return page_size_of(request, default=self.page_size, maximum=self.max_page_size)


class CursorPagination(pagination.CursorPagination):
    """Stable, index-friendly paging for big tables (tickets, events)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def get_page_size(self, request):
        return page_size_of(request, default=self.page_size, maximum=self.max_page_size)


def only_api_paths(endpoints):
    """drf-spectacular preprocessing hook: the schema documents /api/ only, not page views."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]


class VerifiedSessionScheme(SessionScheme):
    """The browser's session cookie (helpdesk.authentication.VerifiedSessionAuthentication): DRF's, with
    two-factor sign-in passed where it applies (else 403 `two_factor_required`)."""

    target_class = "helpdesk.authentication.VerifiedSessionAuthentication"


class TokenAuthScheme(TokenScheme):
    """The token security scheme, saying exactly what to send (registered in HelpdeskConfig.ready).

    A generated client is given the key and the prefix `Token` (openapi-python-client:
    `AuthenticatedClient(base_url=..., token=key, prefix="Token")`).
    """

    priority = 1  # over drf-spectacular's own TokenScheme

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "Send the header `Authorization: Token <key>`: the word `Token`, a space, then the key."
                " `POST /api/v1/auth/token/` with `email` and `password` returns the key."
            ),
        }


# The largest whole number PostgreSQL's bigint and SQLite's INTEGER hold: an id filter beyond it is a
# 400 naming the parameter, never the database's overflow error (a 500).
DB_INT_MAX = 2**63 - 1


def _fits(value) -> bool:
    try:
        number = int(str(value))
    except ValueError:
        return True  # not a number at all: the field itself says so
    return -DB_INT_MAX - 1 <= number <= DB_INT_MAX


class IdFilter(django_filters.NumberFilter):
    """A row id from the query string: a whole number the database can hold."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -DB_INT_MAX - 1)
        kwargs.setdefault("max_value", DB_INT_MAX)
        super().__init__(*args, **kwargs)


# PostgreSQL's widest time-zone offset; real ones stay within -12:00..+14:00.
MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)


class _IsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time from the query string, in UTC: an offset beyond ±15:59, or a time that leaves
    the years 1-9999 once in UTC, is a validation error naming the parameter (not a database error)."""

    default_error_messages = {  # noqa: RUF012 - Django's convention
        "offset": _("The time zone offset must be between -15:59 and +15:59."),
        "range": _("The time is out of range."),
    }

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        if abs(parsed.utcoffset()) > MAX_UTC_OFFSET:
            raise forms.ValidationError(self.error_messages["offset"], code="offset")
        try:
            return parsed.astimezone(UTC)
        except OverflowError as exc:
            raise forms.ValidationError(self.error_messages["range"], code="range") from exc


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = _IsoDateTimeField


class _ModelChoiceField(django_filters.fields.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _fits(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class _ModelMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not _fits(item):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _ModelChoiceField


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = _ModelMultipleChoiceField


def _bounded_defaults() -> dict:
    defaults = dict(drf_filterset.FILTER_FOR_DBFIELD_DEFAULTS)
    for field in (models.ForeignKey, models.OneToOneField):
        defaults[field] = {**defaults[field], "filter_class": ModelChoiceFilter}
    defaults[models.ManyToManyField] = {**defaults[models.ManyToManyField], "filter_class": ModelMultipleChoiceFilter}
    defaults[models.DateTimeField] = {**defaults[models.DateTimeField], "filter_class": IsoDateTimeFilter}
    return defaults


class _PerRequestFilters(dict):
    """A filter set's `base_filters` whose deep copy is a shallow copy of each filter.

    django-filter's FilterSet.__init__ deep-copies `base_filters` for every request (choices and
    lazy labels with them): most of the millisecond the ticket list spent filtering (bench/api.py).
    A filter keeps no request state but `model` and `parent` (where a `method=` filter finds its
    method), which __init__ sets on the copies, so a shallow copy is enough.
    """

    def __deepcopy__(self, memo):
        filters = {}
        for name, base in self.items():
            filter_ = copy.copy(base)
            if filter_.method is not None:
                filter_.method = filter_.method  # a FilterMethod bound to this copy, not to the base
            filters[name] = filter_
        return filters


class FilterSet(drf_filterset.FilterSet):
    """django-filter's FilterSet, with its per-request set-up made cheap: filters are copied
    shallowly (_PerRequestFilters) and the form class is built once per class.

    Filters whose form field depends on the request (a queryset callable) keep the stock form class.
    Filters made from model fields (`Meta.fields`, a view's `filterset_fields`) check that ids fit.
    """

    FILTER_DEFAULTS = _bounded_defaults()

    @classmethod
    def get_filters(cls):
        return _PerRequestFilters(super().get_filters())

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


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend whose filter sets made from a view's `filterset_fields` use ours."""

    filterset_base = FilterSet
