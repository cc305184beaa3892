"""Search, as-you-type suggestions and the text an agent inserts into a reply."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from knowledgebase import selectors, services
from knowledgebase.api.articles import ArticleOutput
from knowledgebase.api.permissions import IsAgent, _user
from knowledgebase.models import Article


class SearchHitOutput(ArticleOutput):
    snippet = serializers.SerializerMethodField()

    class Meta(ArticleOutput.Meta):
        fields = [f for f in ArticleOutput.Meta.fields if f not in ("body", "body_html")] + ["snippet"]

    def get_snippet(self, article) -> str:
        return str(self.context["snippets"][article.pk])


_Q = OpenApiParameter("q", str, required=True)
_LANG = OpenApiParameter("language", str, required=False)


class ArticleSearchView(APIView):
    """Ranked full-text search; `snippet` is HTML with <mark> around matches (all else escaped)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[_Q, _LANG, OpenApiParameter("limit", int)],
        responses={
            200: inline_serializer(
                "ArticleSearchResult", {"query": serializers.CharField(), "results": SearchHitOutput(many=True)}
            )
        },
    )
    def get(self, request):
        query = request.query_params.get("q", "")[:200]
        try:
            limit = max(1, min(int(request.query_params.get("limit", 20)), 50))
        except ValueError:
            limit = 20
        hits = selectors.article_search_for(
            user=_user(request), query=query, language=request.query_params.get("language"), limit=limit
        )
        if query.strip():
            services.search_record(query=query, results=len(hits))
        context = {"request": request, "snippets": {h.article.pk: h.snippet for h in hits}}
        return Response(
            {"query": query, "results": SearchHitOutput([h.article for h in hits], many=True, context=context).data}
        )


class SuggestionOutput(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "title", "summary", "url"]

    def get_url(self, article) -> str:
        return self.context["request"].build_absolute_uri(article.get_absolute_url())


class ArticleSuggestView(APIView):
    """As-you-type suggestions (the portal's new-request form); published articles you may read."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[_Q, _LANG],
        responses={200: inline_serializer("ArticleSuggestions", {"results": SuggestionOutput(many=True)})},
    )
    def get(self, request):
        items = selectors.article_suggestions_for(
            user=_user(request),
            query=request.query_params.get("q", "")[:200],
            language=request.query_params.get("language"),
        )
        return Response({"results": SuggestionOutput(items, many=True, context={"request": request}).data})


class ReplyTextView(APIView):
    """What to insert into a ticket reply: `mode=link` (default) or `mode=text` (agents only)."""

    permission_classes = [IsAgent]

    @extend_schema(
        parameters=[OpenApiParameter("mode", str, enum=["link", "text"])],
        responses={200: inline_serializer("ArticleReplyText", {"text": serializers.CharField()})},
    )
    def get(self, request, pk):
        article = selectors.article_get_for(user=request.user, article_id=pk)
        mode = request.query_params.get("mode", "link")
        if mode not in ("link", "text"):
            raise Http404
        return Response({"text": selectors.article_reply_text(article=article, mode=mode)})


class ArticleSearchNoSlashView(ArticleSearchView):
    """`/articles/search` without the slash (as the portal calls it); documented once, with the slash."""

    @extend_schema(exclude=True)
    def get(self, request):
        return super().get(request)


class ArticleSuggestNoSlashView(ArticleSuggestView):
    """`/articles/suggest?q=` as the portal and the new-request form call it."""

    @extend_schema(exclude=True)
    def get(self, request):
        return super().get(request)
