"""Core API: the token login, one's own API tokens, the API root, agents and teams."""

from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services, signin
from .exceptions import NotAllowed
from .models import ApiToken, AssignmentMode, Team, User
from .permissions import IsAgent
from .security import twofactor


class TokenLoginInput(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        required=False,
        max_length=32,
        help_text="For accounts with two-factor sign-in: the current code from the authenticator app, or a "
        "recovery code (used up).",
    )


class TokenLoginView(APIView):
    """Exchange an email and password for a new API token (`Authorization: Token <key>`), named "API
    login" and expiring after the site's token lifetime (`expires_at`, null: never). Limited like the
    login page (helpdesk.signin): only failures count, per account and address, per address, and
    per account a short growing delay; a refused try is a 429 with Retry-After."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []  # helpdesk.signin limits failures; a success is never throttled

    @extend_schema(
        request=TokenLoginInput,
        responses={
            200: inline_serializer(
                "TokenLoginOutput",
                {"token": serializers.CharField(), "expires_at": serializers.DateTimeField(allow_null=True)},
            ),
            400: OpenApiResponse(description="Missing fields, or a wrong email or password (`invalid`)."),
            403: OpenApiResponse(
                description="The account uses two-factor sign-in and `otp` is missing (`two_factor_required`)."
            ),
            429: OpenApiResponse(
                description="Too many failed sign-ins or codes (`throttled`); wait `Retry-After` seconds."
            ),
        },
    )
    def post(self, request):
        data = TokenLoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = signin.signin_attempt(
            request=request, email=data.validated_data["email"], password=data.validated_data["password"]
        )
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to sign in with the email and password given.")]},
                code="invalid_credentials",
            )
        verified = False
        if twofactor.applies(user):
            code = data.validated_data.get("otp", "")
            if not code:
                raise NotAllowed(
                    _("This account uses two-factor sign-in: send the code from the app as `otp`."),
                    code="two_factor_required",
                )
            try:
                twofactor.verify_user_code(user=user, code=code)
            except twofactor.WrongCode as exc:
                raise serializers.ValidationError({"otp": [str(exc)]}, code="invalid_otp") from None
            verified = True
        token, key = services.api_token_create(user=user, name=str(_("API login")), verified=verified)
        return Response({"token": key, "expires_at": token.expires_at}, status=status.HTTP_200_OK)


class ApiTokenOutput(serializers.ModelSerializer):
    """A token as listed: never its key (only its hash is stored)."""

    class Meta:
        model = ApiToken
        fields = ["id", "name", "created_at", "last_used_at", "expires_at"]


class ApiTokenCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class ApiTokenCreatedOutput(ApiTokenOutput):
    """A token just made, with its key: shown this once."""

    key = serializers.CharField()

    class Meta(ApiTokenOutput.Meta):
        fields = [*ApiTokenOutput.Meta.fields, "key"]


class ApiTokenListView(generics.ListAPIView):
    """Your own API tokens (never their keys); POST makes one and returns its key once."""

    serializer_class = ApiTokenOutput
    ordering_fields = ["created_at", "last_used_at", "expires_at", "name", "id"]
    filterset_fields: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return ApiToken.objects.none()
        return selectors.api_token_list_for(user=self.request.user)

    @extend_schema(
        request=ApiTokenCreateInput,
        responses={
            201: ApiTokenCreatedOutput,
            403: OpenApiResponse(
                description="Two-factor sign-in applies and this is not a verified session (`two_factor_required`)."
            ),
        },
    )
    def post(self, request):
        data = ApiTokenCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = services.api_token_create(
            user=request.user, name=data.validated_data["name"], verified=twofactor.is_verified(request._request)
        )
        token.key = key
        return Response(ApiTokenCreatedOutput(token).data, status=status.HTTP_201_CREATED)


class ApiTokenDetailView(APIView):
    """Revoke one of your own API tokens (another person's is a 404)."""

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="Not one of your tokens.")})
    def delete(self, request, token_id: int):
        token = selectors.api_token_get_for(user=request.user, token_id=token_id)
        services.api_token_revoke(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiRootView(APIView):
    """Where everything in the API lives."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: inline_serializer("ApiRoot", {"resources": serializers.DictField()})})
    def get(self, request):
        names = {
            "auth-token": "api-auth-token",
            "auth-tokens": "api-auth-token-list",
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
            "routing-rules": "api-routing-rule-list",
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
        fields = ["id", "name", "name_fa", "slug", "description"]


class TeamOutput(TeamPublicOutput):
    class Meta(TeamPublicOutput.Meta):
        fields = [*TeamPublicOutput.Meta.fields, "email", "lead", "assignment_mode", "max_open_per_agent"]


class TeamAssignmentInput(serializers.Serializer):
    assignment_mode = serializers.ChoiceField(choices=AssignmentMode.choices, required=False)
    max_open_per_agent = serializers.IntegerField(
        min_value=1, max_value=10_000, allow_null=True, required=False, help_text="null: no cap."
    )


class TeamAssignmentView(APIView):
    """How a team's new tickets get an owner (`manual`, `round_robin`, `least_loaded`) and the cap of
    open tickets per agent automatic assignment respects. Agents read it; administrators change it."""

    permission_classes = [IsAgent]

    def _team(self, pk: int) -> Team:
        return get_object_or_404(selectors.team_list_for(user=self.request.user), pk=pk)

    @extend_schema(responses={200: TeamOutput})
    def get(self, request, pk: int):
        return Response(TeamOutput(self._team(pk)).data)

    @extend_schema(request=TeamAssignmentInput, responses={200: TeamOutput})
    def patch(self, request, pk: int):
        team = self._team(pk)
        serializer = TeamAssignmentInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.team_set_assignment(
            actor=request.user,
            team=team,
            mode=data.get("assignment_mode"),
            cap=data.get("max_open_per_agent", ""),
        )
        return Response(TeamOutput(team).data)


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
        fields = ["id", "email", "full_name", "role", "language", "time_zone", "teams", "is_away"]


class AgentListView(generics.ListAPIView):
    """Agents and administrators (for assignment pickers). Customers get an empty list."""

    serializer_class = UserOutput
    ordering_fields = ["email", "full_name", "id"]
    filterset_fields = ["role", "teams"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return User.objects.none()
        return selectors.agent_list_for(user=self.request.user)


class AvailabilitySerializer(serializers.Serializer):
    away = serializers.BooleanField(help_text="true: automatic assignment gives you no new ticket.")


class AvailabilityView(APIView):
    """An agent's own availability: away agents get nothing new from automatic assignment."""

    permission_classes = [IsAgent]

    @extend_schema(responses={200: AvailabilitySerializer})
    def get(self, request):
        return Response({"away": request.user.is_away})

    @extend_schema(request=AvailabilitySerializer, responses={200: AvailabilitySerializer})
    def put(self, request):
        serializer = AvailabilitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_set_away(user=request.user, away=serializer.validated_data["away"])
        return Response({"away": user.is_away})


class MeView(APIView):
    """Who the token or session belongs to."""

    @extend_schema(responses={200: UserOutput})
    def get(self, request):
        return Response(UserOutput(request.user).data)
