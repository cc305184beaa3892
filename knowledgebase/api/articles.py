"""Categories, articles, revisions and feedback, each view with its serializers beside it."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from customers.models import Product
from helpdesk.api_support import DB_INT_MAX
from helpdesk.permissions import is_agent
from knowledgebase import selectors, services
from knowledgebase.api.permissions import IsAgent, ReadAnyoneWriteAgents, _user
from knowledgebase.models import Article, ArticleFeedback, ArticleRevision, Category, Status, Visibility

# --- Categories ---------------------------------------------------------------------------------


class CategoryOutput(serializers.ModelSerializer):
    article_count = serializers.IntegerField(read_only=True)
    slug = serializers.CharField(read_only=True, help_text="May hold Persian letters.")

    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description", "parent", "order", "language", "article_count"]


class CategoryInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.SlugField(max_length=80, required=False, allow_blank=True, allow_unicode=True)
    description = serializers.CharField(required=False, allow_blank=True)
    parent = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    language = serializers.ChoiceField(
        choices=[("", "")] + list(Category._meta.get_field("language").choices), required=False, allow_blank=True
    )


class CategoryListView(generics.ListCreateAPIView):
    """Categories with the number of articles you may read in each."""

    permission_classes = [ReadAnyoneWriteAgents]
    serializer_class = CategoryOutput
    ordering_fields = ["order", "name", "id"]

    def get_queryset(self):
        return selectors.category_list_for(user=_user(self.request), language=self.request.query_params.get("language"))

    @extend_schema(request=CategoryInput, responses={201: CategoryOutput})
    def post(self, request):
        data = CategoryInput(data=request.data)
        data.is_valid(raise_exception=True)
        category = services.category_create(actor=request.user, **data.validated_data)
        return Response(CategoryOutput(self._annotated(category)).data, status=status.HTTP_201_CREATED)

    def _annotated(self, category):
        return selectors.category_list_for(user=self.request.user).get(pk=category.pk)


class CategoryDetailView(generics.RetrieveAPIView):
    permission_classes = [ReadAnyoneWriteAgents]
    serializer_class = CategoryOutput

    def get_queryset(self):
        return selectors.category_list_for(user=_user(self.request))

    @extend_schema(request=CategoryInput, responses={200: CategoryOutput})
    def patch(self, request, pk):
        category = self.get_object()
        data = CategoryInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.category_update(actor=request.user, category=category, **data.validated_data)
        return Response(CategoryOutput(self.get_queryset().get(pk=pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        services.category_delete(actor=request.user, category=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Articles -----------------------------------------------------------------------------------


class ArticleOutput(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    slug = serializers.CharField(read_only=True, help_text="May hold Persian letters.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "slug",
            "summary",
            "body",
            "body_html",
            "category",
            "language",
            "tags",
            "visibility",
            "status",
            "url",
            "created_at",
            "updated_at",
            "published_at",
        ]

    def get_url(self, article) -> str:
        request = self.context.get("request")
        path = article.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class ArticleDetailOutput(ArticleOutput):
    products = serializers.SerializerMethodField()
    related = serializers.SerializerMethodField()
    translation = serializers.SerializerMethodField()

    class Meta(ArticleOutput.Meta):
        fields = [*ArticleOutput.Meta.fields, "products", "related", "translation"]

    def get_products(self, article) -> list[int]:
        return [p.pk for p in article.products.all()]

    def get_related(self, article) -> list[int]:
        user = self.context["user"]
        return list(selectors.article_related_for(user=user, article=article).values_list("pk", flat=True))

    def get_translation(self, article) -> int | None:
        other = article.translation
        return other.pk if other is not None and other.is_visible_to(self.context["user"]) else None


class ArticleInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.CharField(max_length=220, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    language = serializers.ChoiceField(choices=Article._meta.get_field("language").choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    products = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), many=True, required=False)
    related = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all(), many=True, required=False)
    translation = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all(), required=False, allow_null=True)


class ArticleListParams(serializers.Serializer):
    """The article list's query parameters; a bad one is a 400 naming it."""

    category = serializers.IntegerField(
        required=False, min_value=1, max_value=DB_INT_MAX, help_text="Category id (its sub-categories too)."
    )
    language = serializers.CharField(required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False, help_text="Agents only.")
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False, help_text="Agents only.")
    tag = serializers.CharField(required=False)
    product = serializers.IntegerField(required=False, min_value=1, max_value=DB_INT_MAX, help_text="Product id.")
    q = serializers.CharField(required=False, help_text="Words of the title, summary or body.")


def _filters(params) -> dict:
    raw = {key: params.get(key) for key in ArticleListParams().fields if params.get(key)}
    checked = ArticleListParams(data=raw)
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)


def _detail(request, article_id: int) -> dict:
    user = _user(request)
    article = selectors.article_detail_for(user=user, article_id=article_id)
    return ArticleDetailOutput(article, context={"request": request, "user": user}).data


class ArticleListView(generics.ListCreateAPIView):
    """Articles you may read (agents: all, with `status`/`visibility` filters); agents create drafts."""

    permission_classes = [ReadAnyoneWriteAgents]
    serializer_class = ArticleOutput
    ordering_fields = ["title", "updated_at", "published_at", "id"]
    ordering = ["-updated_at", "id"]

    def get_queryset(self):
        return selectors.article_list_for(user=_user(self.request), filters=_filters(self.request.query_params))

    @extend_schema(parameters=[ArticleListParams])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ArticleInput, responses={201: ArticleDetailOutput})
    def post(self, request):
        data = ArticleInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        wanted_status = fields.pop("status", Status.DRAFT)
        translation = fields.pop("translation", None)
        with transaction.atomic():
            article = services.article_create(author=request.user, **fields)
            if translation is not None:
                services.article_link_translation(article=article, translation=translation, actor=request.user)
            if wanted_status != Status.DRAFT:
                services.article_change_status(article=article, actor=request.user, status=wanted_status)
        return Response(_detail(request, article.pk), status=status.HTTP_201_CREATED)


class ArticleDetailView(APIView):
    permission_classes = [ReadAnyoneWriteAgents]

    @extend_schema(responses={200: ArticleDetailOutput})
    def get(self, request, pk):
        return Response(_detail(request, pk))

    @extend_schema(request=ArticleInput, responses={200: ArticleDetailOutput})
    def patch(self, request, pk):
        article = selectors.article_get_for(user=request.user, article_id=pk)
        data = ArticleInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        new_status = fields.pop("status", None)
        with transaction.atomic():
            if fields:
                services.article_update(article=article, actor=request.user, **fields)
            if new_status:
                services.article_change_status(article=article, actor=request.user, status=new_status)
        return Response(_detail(request, pk))

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        article = selectors.article_get_for(user=request.user, article_id=pk)
        services.article_delete(article=article, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevisionOutput(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = ArticleRevision
        fields = ["id", "number", "author", "created_at", "changed_fields", "note", "snapshot"]


class RevisionListView(generics.ListAPIView):
    """Every save of an article (agents only)."""

    permission_classes = [IsAgent]
    serializer_class = RevisionOutput
    ordering_fields = ["number"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ArticleRevision.objects.none()
        article = selectors.article_get_for(user=self.request.user, article_id=self.kwargs["pk"])
        return selectors.revision_list_for(user=self.request.user, article=article)


class RevisionDetailView(APIView):
    permission_classes = [IsAgent]

    @extend_schema(
        responses={
            200: inline_serializer(
                "ArticleRevisionDiff",
                {"revision": RevisionOutput(), "diff": serializers.ListField(child=serializers.DictField())},
            )
        }
    )
    def get(self, request, pk, revision_id):
        article = selectors.article_get_for(user=request.user, article_id=pk)
        revision = selectors.revision_get_for(user=request.user, article=article, revision_id=revision_id)
        diffs = selectors.revision_diff(revision=revision, previous=selectors.revision_previous(revision=revision))
        return Response(
            {
                "revision": RevisionOutput(revision).data,
                "diff": [{"field": d.field, "label": d.label, "lines": [[k, t] for k, t in d.lines]} for d in diffs],
            }
        )


class RevisionRestoreView(APIView):
    permission_classes = [IsAgent]

    @extend_schema(request=None, responses={200: ArticleDetailOutput})
    def post(self, request, pk, revision_id):
        article = selectors.article_get_for(user=request.user, article_id=pk)
        revision = selectors.revision_get_for(user=request.user, article=article, revision_id=revision_id)
        services.article_restore_revision(article=article, revision=revision, actor=request.user)
        return Response(_detail(request, pk))


class FeedbackOutput(serializers.ModelSerializer):
    user = serializers.StringRelatedField()

    class Meta:
        model = ArticleFeedback
        fields = ["id", "helpful", "comment", "user", "created_at", "resolved_at"]


class FeedbackInput(serializers.Serializer):
    helpful = serializers.BooleanField()
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class FeedbackView(APIView):
    """GET: all feedback (agents) or your own vote; POST: vote (one per person, a new vote replaces it)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: FeedbackOutput(many=True)})
    def get(self, request, pk):
        article = selectors.article_get_for(user=request.user, article_id=pk)
        if is_agent(request.user):
            rows = selectors.feedback_list_for(user=request.user, article=article)
        else:
            vote = selectors.article_vote_of(user=request.user, article=article)
            rows = [vote] if vote else []
        return Response(FeedbackOutput(rows, many=True).data)

    @extend_schema(request=FeedbackInput, responses={201: FeedbackOutput})
    def post(self, request, pk):
        article = selectors.article_get_for(user=request.user, article_id=pk)
        data = FeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        vote = services.article_vote(article=article, user=request.user, **data.validated_data)
        return Response(FeedbackOutput(vote).data, status=status.HTTP_201_CREATED)
