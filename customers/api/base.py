"""The list and detail views every customers resource is built from: validate, call the service, serialize."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.permissions import is_agent


def _validated(serializer: serializers.Serializer) -> dict[str, Any]:
    """Validate input; nested errors are named by their dotted path ("periods.1.start") by the API's
    one error handler (helpdesk.exceptions), like every other endpoint's."""
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class _ScopedOutput:
    """Agents get the full output; customers the smaller one without internal fields."""

    request: Request
    output: ClassVar[type[serializers.Serializer]]
    customer_output: ClassVar[type[serializers.Serializer] | None] = None

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or is_agent(self.request.user):
            return self.output
        return self.customer_output or self.output


class ResourceListView(_ScopedOutput, generics.ListAPIView):
    """GET lists what the selector allows; POST validates the input, calls the service, serializes."""

    input: ClassVar[type[serializers.Serializer]]
    create_service: ClassVar[Callable[..., Model]]
    fetch: ClassVar[Callable[..., Model]]  # the detail selector, to reload with its prefetches

    def service_kwargs(self) -> dict[str, Any]:
        """Extra keyword arguments for the service (the acting user, where the service's rules need it)."""
        return {}

    def post(self, request: Request) -> Response:
        data = _validated(self.input(data=request.data))
        created = type(self).create_service(**data, **self.service_kwargs())
        instance = type(self).fetch(user=request.user, pk=created.pk)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)


class ResourceDetailView(_ScopedOutput, generics.GenericAPIView):
    """GET one (404 when not the user's to see); PUT/PATCH validate and call the service; DELETE."""

    input: ClassVar[type[serializers.Serializer]]
    update_service: ClassVar[Callable[..., Model]]
    delete_service: ClassVar[Callable[..., None]]
    fetch: ClassVar[Callable[..., Model]]
    filter_backends: ClassVar[list] = []

    def service_kwargs(self) -> dict[str, Any]:
        """Extra keyword arguments for the service (the acting user, where the service's rules need it)."""
        return {}

    def get_object(self) -> Model:
        instance = type(self).fetch(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, instance)
        return instance

    def get(self, request: Request, pk: int) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def _change(self, request: Request, *, partial: bool) -> Response:
        instance = self.get_object()
        data = _validated(self.input(data=request.data, partial=partial))
        type(self).update_service(instance, data, **self.service_kwargs())
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request: Request, pk: int) -> Response:
        return self._change(request, partial=False)

    def patch(self, request: Request, pk: int) -> Response:
        return self._change(request, partial=True)

    @extend_schema(responses={204: None, 409: OpenApiResponse(description=str(_("Still in use.")))})
    def delete(self, request: Request, pk: int) -> Response:
        type(self).delete_service(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _list_schema(input_serializer, output_serializer):
    return extend_schema_view(post=extend_schema(request=input_serializer, responses={201: output_serializer}))


def _detail_schema(input_serializer, output_serializer):
    return extend_schema_view(
        get=extend_schema(responses=output_serializer),
        put=extend_schema(request=input_serializer, responses=output_serializer),
        patch=extend_schema(request=input_serializer, responses=output_serializer),
    )
