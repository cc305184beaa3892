"""Core API: the token login, the API root, agents and teams."""

from django.contrib.auth import authenticate
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import selectors
from .models import Team, User


class TokenLoginInput(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenLoginView(APIView):
    """Exchange an email and password for an API token (`Authorization: Token <key>`)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenLoginInput,
        responses={200: inline_serializer("TokenLoginOutput", {"token": serializers.CharField()})},
    )
    def post(self, request):
        data = TokenLoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, username=data.validated_data["email"], password=data.validated_data["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to sign in with the email and password given.")]},
                code="invalid_credentials",
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key}, status=status.HTTP_200_OK)


class ApiRootView(APIView):
    """Where everything in the API lives."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: inline_serializer("ApiRoot", {"resources": serializers.DictField()})})
    def get(self, request):
        names = {
            "auth-token": "api-auth-token",
            "tickets": "api-ticket-list",
            "contacts": "api-contact-list",
            "organizations": "api-organization-list",
            "products": "api-product-list",
            "contracts": "api-contract-list",
            "sla-policies": "api-sla-policy-list",
            "teams": "api-team-list",
            "users": "api-user-list",
            "kb-categories": "api-kb-category-list",
            "kb-articles": "api-kb-article-list",
            "webhooks": "api-webhook-list",
            "schema": "api-schema",
            "docs": "api-docs",
        }
        resources = {}
        for label, name in names.items():
            try:
                resources[label] = request.build_absolute_uri(reverse(name))
            except NoReverseMatch:
                continue
        return Response({"resources": resources})


class TeamPublicOutput(serializers.ModelSerializer):
    """A team as customers see it: its name, never its lead or its mailbox."""

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "description"]


class TeamOutput(TeamPublicOutput):
    class Meta(TeamPublicOutput.Meta):
        fields = [*TeamPublicOutput.Meta.fields, "email", "lead"]


class TeamListView(generics.ListAPIView):
    """Active teams. Customers get a smaller object (`TeamPublic`: id, name, slug, description)."""

    ordering_fields = ["name", "id"]
    filterset_fields = ["slug"]

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or getattr(self.request.user, "is_agent", False):
            return TeamOutput
        return TeamPublicOutput

    def get_queryset(self):
        return selectors.team_list_for(user=self.request.user)


class UserOutput(serializers.ModelSerializer):
    teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "role", "language", "time_zone", "teams"]


class AgentListView(generics.ListAPIView):
    """Agents and administrators (for assignment pickers). Customers get an empty list."""

    serializer_class = UserOutput
    ordering_fields = ["email", "full_name", "id"]
    filterset_fields = ["role", "teams"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return User.objects.none()
        return selectors.agent_list_for(user=self.request.user)


class MeView(APIView):
    """Who the token or session belongs to."""

    @extend_schema(responses={200: UserOutput})
    def get(self, request):
        return Response(UserOutput(request.user).data)
