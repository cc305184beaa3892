"""Forms of the knowledge-base pages; they validate input and hand it to the services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from customers.models import Product
from helpdesk.text import split_list

from .models import Article, Category, Status, Visibility


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.CharField(
        label=_("Slug"),
        max_length=220,
        required=False,
        help_text=_("Part of the address; made from the title when empty."),
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    body = forms.CharField(
        label=_("Body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "kb-editor"}),
        help_text=_("Markdown: **bold**, _italic_, [link](https://…), lists, tables and `code`."),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas (, or ،)."))
    products = forms.ModelMultipleChoiceField(
        label=_("Products"), queryset=Product.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    related = forms.ModelMultipleChoiceField(
        label=_("Related articles"),
        queryset=Article.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    translation = forms.ModelChoiceField(label=_("Translation"), queryset=Article.objects.none(), required=False)

    ARTICLE_TEXT = ("title", "summary", "body")

    def __init__(self, *args, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The article's own text is written in the article's language, whatever the interface speaks: an
        # English article edited in the Persian interface stays left-to-right (static/js/app.js follows a
        # change of the language field as the author types).
        language = self.data.get("language") or self.initial.get("language") or settings.LANGUAGE_CODE
        for name in self.ARTICLE_TEXT:
            self.fields[name].widget.attrs.update(
                {"lang": language, "dir": "rtl" if language == "fa" else "ltr", "data-article-text": ""}
            )
        self.fields["category"].queryset = Category.objects.select_related("parent").order_by("order", "name")
        self.fields["products"].queryset = Product.objects.filter(is_active=True)
        others = Article.objects.only("id", "title", "language").order_by("title")
        if article is not None:
            others = others.exclude(pk=article.pk)
        self.fields["related"].queryset = others
        self.fields["translation"].queryset = others

    MAIN_FIELDS = ("title", "summary", "body")

    def main_fields(self):
        return [self[name] for name in self.MAIN_FIELDS]

    def side_fields(self):
        return [self[name] for name in self.fields if name not in self.MAIN_FIELDS]

    def clean_tags(self) -> list[str]:
        return split_list(self.cleaned_data["tags"])

    @classmethod
    def initial_for(cls, article: Article) -> dict:
        return {
            "title": article.title,
            "slug": article.slug,
            "summary": article.summary,
            "body": article.body,
            "category": article.category_id,
            "language": article.language,
            "visibility": article.visibility,
            "tags": ", ".join(t.name for t in article.tags.all()),
            "products": list(article.products.all()),
            "related": list(article.related.all()),
            "translation": article.translation_id,
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes", label=_("Was this helpful?")
    )
    comment = forms.CharField(
        label=_("Anything we should add or fix? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the knowledge base"), max_length=200, required=False)
    page = forms.IntegerField(min_value=1, max_value=50, required=False)


class ManageFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(Status.choices), required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
