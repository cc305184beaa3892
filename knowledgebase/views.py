"""Knowledge-base pages: the public KB under /kb/ and authoring for agents under /kb/manage/."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk import dates
from helpdesk.exceptions import DomainError
from helpdesk.forms import add_service_errors
from helpdesk.paging import Page
from helpdesk.permissions import agent_required
from helpdesk.text import detect_language

from . import pickers, search, selectors, services
from .forms import ArticleForm, FeedbackForm, ManageFilterForm, PickForm, SearchForm, StatusForm
from .models import TRANSITIONS, Status
from .rendering import render_markdown

SEARCH_PAGE_SIZE = 20
SUGGEST_DESCRIPTION_CHARS = 500  # the start of a long description says what it is about
CATEGORY_PAGE_SIZE = 50
MANAGE_PAGE_SIZE = 50
PICK_PAGE_SIZE = 8  # an article picker's matches at a time ("More matches" brings the next ones)


# --- Public pages -------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    language = translation.get_language()
    return render(
        request,
        "knowledgebase/index.html",
        {
            "categories": selectors.category_tree_for(user=request.user, language=language),
            "recent": selectors.article_recent_for(user=request.user, language=language),
            "search_form": SearchForm(),
        },
    )


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    current = selectors.category_get_for(user=request.user, slug=slug)
    articles = selectors.article_category_page_for(user=request.user, category=current)
    page = Paginator(articles, CATEGORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledgebase/category.html",
        {
            "category": current,
            "subcategories": [
                c for c in selectors.category_children_for(user=request.user, category=current) if c.article_count
            ],
            "articles": page.object_list,
            "page": page,
            "search_form": SearchForm(),
        },
    )


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        item = selectors.article_page_for(user=request.user, slug=slug)
    except Http404:
        if selectors.article_opens_after_sign_in(user=request.user, slug=slug):
            return redirect_to_login(request.get_full_path())
        raise
    services.article_record_view(article=item)
    if request.GET.get("sq"):  # opened from a result of the knowledge-base search (search_page)
        services.search_result_opened(key=request.GET["sq"])
    vote = selectors.article_vote_of(user=request.user, article=item)
    is_agent = request.user.is_authenticated and request.user.is_agent
    return render(
        request,
        "knowledgebase/article.html",
        {
            "article": item,
            "related": selectors.article_related_for(user=request.user, article=item),
            "vote": vote,
            "feedback_form": FeedbackForm(initial={"comment": vote.comment if vote else ""}),
            "is_agent": is_agent,
            "show_badges": is_agent and (item.status != Status.PUBLISHED or item.visibility != "public"),
        },
    )


@require_POST
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.path)
    item = selectors.article_page_for(user=request.user, slug=slug)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        services.article_vote(  # an article the user may not see is a 404 (NotVisible)
            article=item,
            user=request.user,
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Thank you for your feedback."))
    return redirect(item.get_absolute_url() + "#feedback")


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query, page, hits, has_next, search_key = "", 1, [], False, ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        page = form.cleaned_data["page"] or 1
        hits = selectors.article_search_for(
            user=request.user, query=query, limit=SEARCH_PAGE_SIZE + 1, offset=(page - 1) * SEARCH_PAGE_SIZE
        )
        has_next = len(hits) > SEARCH_PAGE_SIZE
        hits = hits[:SEARCH_PAGE_SIZE]
        if page == 1:
            search_key = services.search_record(query=query, results=len(hits))
    return render(
        request,
        "knowledgebase/search.html",
        {
            "search_form": form,
            "query": query,
            "search_key": search_key,
            "hits": hits,
            "page": page,
            "next_page": page + 1 if has_next else None,
            "previous_page": page - 1 if page > 1 else None,
        },
    )


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The suggestions partial for htmx: `?q=` (the KB search box), or the new-request form's
    `?subject=` and `?description=` together, so what the customer writes in either is searched.

    204 while the text holds nothing to search yet ("how do I"): htmx then keeps what is shown
    rather than blanking it between keystrokes; an empty text clears the list.
    """
    query = request.GET.get("q") or " ".join(
        [request.GET.get("subject", "")[:200], request.GET.get("description", "")[:SUGGEST_DESCRIPTION_CHARS]]
    )
    if query.strip() and not search.searchable(query):
        return HttpResponse(status=204)
    # The page's language comes first; articles in the other language still follow (marked).
    items = selectors.article_suggestions_for(
        user=request.user, query=query, prefer_language=request.GET.get("language") or None
    )
    return render(request, "knowledgebase/_suggestions.html", {"suggestions": items, "query": query})


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """Public articles only, whoever asks."""
    articles = selectors.sitemap_articles_for(user=request.user)
    return render(
        request,
        "knowledgebase/sitemap.xml",
        {"articles": articles, "base": request.build_absolute_uri("/").rstrip("/")},
        content_type="application/xml",
    )


# --- Authoring (agents) -------------------------------------------------------------------------


@agent_required
@require_GET
def manage_list(request: HttpRequest) -> HttpResponse:
    form = ManageFilterForm(request.GET)
    status = q = ""
    if form.is_valid():
        status, q = form.cleaned_data["status"], form.cleaned_data["q"]
    articles = selectors.article_manage_list_for(user=request.user, status=status, q=q)
    page = Paginator(articles, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledgebase/manage/list.html",
        {"articles": page.object_list, "page": page, "filter_form": form},
    )


def _save_article(request: HttpRequest, form: ArticleForm, article=None):
    data = form.cleaned_data
    fields = {
        "title": data["title"],
        "summary": data["summary"],
        "body": data["body"],
        "category": data["category"],
        "language": data["language"],
        "visibility": data["visibility"],
        "tags": data["tags"],
        "products": data["products"],
        "related": data["related"],
    }
    if article is None:
        created = services.article_create(author=request.user, slug=data["slug"], **fields)
        if data["translation"]:
            services.article_link_translation(article=created, translation=data["translation"], actor=request.user)
        return created
    if data["slug"]:
        fields["slug"] = data["slug"]
    return services.article_update(article=article, actor=request.user, translation=data["translation"], **fields)


@agent_required
def manage_new(request: HttpRequest) -> HttpResponse:
    initial = {"language": translation.get_language(), "visibility": "public"}
    form = ArticleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = _save_article(request, form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("kb:manage_edit", pk=created.pk)
    return render(request, "knowledgebase/manage/edit.html", {"form": form, "article": None})


@agent_required
def manage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.article_manage_get_for(user=request.user, article_id=pk)
    form = ArticleForm(request.POST or None, user=request.user, article=item, initial=ArticleForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            _save_article(request, form, item)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Article saved."))
            return redirect("kb:manage_edit", pk=item.pk)
    return render(
        request,
        "knowledgebase/manage/edit.html",
        {
            "form": form,
            "article": item,
            "next_statuses": [(s, Status(s).label) for s in TRANSITIONS[item.status]],
            "views": selectors.article_view_total(article=item),
        },
    )


@agent_required
@require_GET
def manage_pick(request: HttpRequest) -> HttpResponse:
    """What the editor's article pickers offer for the text typed: for htmx the matches alone (a later
    page: its rows), without JavaScript a page to find an article's number by its title."""
    form = PickForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    query, page = data.get("q", "").strip(), data.get("page") or 1
    matches, more = [], False
    if search.searchable(query):
        matches, more = pickers.article_pick_for(
            user=request.user,
            query=query,
            exclude_ids=[data["exclude"], *form.chosen],
            other_than_language=data["language"],
            page=page,
            page_size=PICK_PAGE_SIZE,
        )
    template = "_pick_matches.html" if request.headers.get("HX-Request") else "pick.html"
    context = {
        "form": form,
        "query": query,
        "short": bool(query) and not search.searchable(query),
        "matches": matches,
        "page": page,
        "next_page": page + 1 if more else None,
        "pager": Page(rows=matches, number=page, has_next=more),  # for helpdesk/_pager.html
    }
    return render(request, f"knowledgebase/manage/{template}", context)


@agent_required
@require_POST
def manage_preview(request: HttpRequest) -> HttpResponse:
    body = request.POST.get("body", "")
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = detect_language(body)
    return render(
        request, "knowledgebase/manage/_preview.html", {"body_html": render_markdown(body), "language": language}
    )


@agent_required
@require_POST
def manage_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.article_manage_get_for(user=request.user, article_id=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.article_change_status(article=item, actor=request.user, status=form.cleaned_data["status"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, _("Status changed to %(status)s.") % {"status": item.get_status_display()})
    return redirect("kb:manage_edit", pk=item.pk)


@agent_required
@require_GET
def manage_revisions(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.article_manage_get_for(user=request.user, article_id=pk)
    revisions = selectors.revision_list_for(user=request.user, article=item)
    return render(request, "knowledgebase/manage/revisions.html", {"article": item, "revisions": revisions})


@agent_required
@require_GET
def manage_revision(request: HttpRequest, pk: int, revision_id: int) -> HttpResponse:
    item = selectors.article_manage_get_for(user=request.user, article_id=pk)
    revision = selectors.revision_get_for(user=request.user, article=item, revision_id=revision_id)
    previous = selectors.revision_previous(revision=revision)
    return render(
        request,
        "knowledgebase/manage/revision.html",
        {
            "article": item,
            "revision": revision,
            "previous": previous,
            "diffs": selectors.revision_diff(revision=revision, previous=previous),
        },
    )


@agent_required
@require_POST
def manage_restore(request: HttpRequest, pk: int, revision_id: int) -> HttpResponse:
    item = selectors.article_manage_get_for(user=request.user, article_id=pk)
    revision = selectors.revision_get_for(user=request.user, article=item, revision_id=revision_id)
    try:
        services.article_restore_revision(article=item, revision=revision, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, dates.fill(_("Revision %(number)s restored."), {"number": revision.number}))
    return redirect("kb:manage_revisions", pk=item.pk)


@agent_required
@require_GET
def manage_review(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.review_queue_for(user=request.user), MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "knowledgebase/manage/review.html", {"articles": page.object_list, "page": page})


@agent_required
@require_POST
def manage_feedback_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.feedback_get_for(user=request.user, feedback_id=pk)
    services.feedback_resolve(feedback=item, actor=request.user)
    messages.success(request, _("Comment marked as handled."))
    return redirect("kb:manage_review")


@agent_required
@require_GET
def manage_gaps(request: HttpRequest) -> HttpResponse:
    # the gaps are the work (each dismissed once written about), every one reachable page by page; the
    # two tables under them are the most searched 100 of their kind
    page = Paginator(selectors.search_gap_list_for(user=request.user), MANAGE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    unopened = selectors.search_unopened_for(user=request.user)[:100]
    led_to_ticket = selectors.search_led_to_ticket_for(user=request.user)[:100]
    return render(
        request,
        "knowledgebase/manage/gaps.html",
        {"gaps": page.object_list, "page": page, "unopened": unopened, "led_to_ticket": led_to_ticket},
    )


@agent_required
@require_POST
def manage_gap_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    gap = selectors.search_gap_get_for(user=request.user, gap_id=pk)
    services.search_gap_dismiss(actor=request.user, gap=gap)
    return redirect("kb:manage_gaps")
