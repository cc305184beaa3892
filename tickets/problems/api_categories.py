"""`/api/v1/categories/` and `/api/v1/root-causes/`: what tickets are classified by. Agents read
(customers get a 404 on every operation); administrators write categories (agents: 403). Views
validate, call tickets.problems.categories, serialize."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.permissions import IsAgent
from tickets.api.common import ERR_400, ERR_401_403, ERR_404, ERR_409
from tickets.models import Category, RootCause
from tickets.problems import categories, selectors


class TicketCategoryOutput(serializers.ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    display_name = serializers.CharField(read_only=True, help_text="The name in the caller's language.")

    class Meta:
        model = Category
        fields = ["id", "name", "name_fa", "display_name", "parent", "is_active", "position"]


class TicketCategoryInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_fa = serializers.CharField(max_length=100, required=False, allow_blank=True)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(),
        required=False,
        allow_null=True,
        help_text="A top-level category; categories are two levels deep (a deeper one is a 400 on `parent`).",
    )
    is_active = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)


class RootCauseOutput(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True, help_text="The name in the caller's language.")

    class Meta:
        model = RootCause
        fields = ["id", "name", "name_fa", "display_name", "is_active", "position"]


class _CategoryView(generics.GenericAPIView):
    permission_classes = [IsAgent]
    queryset = Category.objects.none()  # for the schema; reads go through the selectors
    serializer_class = TicketCategoryOutput

    def category(self) -> Category:
        return selectors.category_get_for(user=self.request.user, category_id=self.kwargs["pk"])


class CategoryListView(_CategoryView, generics.ListAPIView):
    """The category tree as a list in order, each with its `parent` (null: top level); `?is_active=`.
    POST (administrators) adds one."""

    filterset_fields = ["is_active", "parent"]
    ordering_fields = ["position", "name", "id"]

    def get_queryset(self) -> QuerySet[Category]:
        return selectors.category_list_for(user=self.request.user)

    @extend_schema(request=TicketCategoryInput, responses={201: TicketCategoryOutput, **ERR_400, **ERR_401_403})
    def post(self, request: Request) -> Response:
        serializer = TicketCategoryInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        category = categories.category_create(actor=request.user, **serializer.validated_data)
        return Response(TicketCategoryOutput(category).data, status=status.HTTP_201_CREATED)


class CategoryDetailView(_CategoryView):
    """One category; PATCH and DELETE are for administrators (a category in use is a 409 on DELETE:
    make it inactive instead)."""

    filter_backends: list = []

    @extend_schema(responses={200: TicketCategoryOutput, **ERR_401_403, **ERR_404})
    def get(self, request: Request, pk: int) -> Response:
        return Response(TicketCategoryOutput(self.category()).data)

    @extend_schema(
        request=TicketCategoryInput, responses={200: TicketCategoryOutput, **ERR_400, **ERR_401_403, **ERR_404}
    )
    def patch(self, request: Request, pk: int) -> Response:
        category = self.category()
        serializer = TicketCategoryInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        category = categories.category_update(actor=request.user, category=category, changes=serializer.validated_data)
        return Response(TicketCategoryOutput(category).data)

    @extend_schema(responses={204: None, **ERR_401_403, **ERR_404, **ERR_409})
    def delete(self, request: Request, pk: int) -> Response:
        categories.category_delete(actor=request.user, category=self.category())
        return Response(status=status.HTTP_204_NO_CONTENT)


class RootCauseListView(generics.ListAPIView):
    """Root causes (administrators keep the list in the admin); `?is_active=`."""

    permission_classes = [IsAgent]
    queryset = RootCause.objects.none()  # for the schema
    serializer_class = RootCauseOutput
    filterset_fields = ["is_active"]
    ordering_fields = ["position", "name", "id"]

    def get_queryset(self) -> QuerySet[RootCause]:
        return selectors.root_cause_list_for(user=self.request.user).order_by("position", "name", "id")
