"""Forms of the knowledge-base pages; they validate input and hand it to the services."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from customers.models import Product
from helpdesk import dates
from helpdesk.text import split_list

from . import pickers
from .models import Article, Category, Status, Visibility

_NUMBERS = re.compile(r"[\s,،]+")


def _number(typed: str) -> str:
    """An article number as typed ("#42", "۴۲") in ASCII digits; anything else as it is."""
    number = pickers.article_number(typed)
    return typed if number is None else str(number)


def _numbers(values) -> list[int]:
    """The article numbers among a picker's values (anything else left out)."""
    return [n for n in map(pickers.article_number, values) if n is not None]


class ArticleChoices(forms.ModelMultipleChoiceField):
    """The related articles: a number no other article has is named in the reader's digits."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError as exc:
            number = str((exc.params or {}).get("value", ""))
            if exc.code != "invalid_choice" or not number.isdecimal():
                raise
            message = dates.fill(self.error_messages["invalid_choice"], {"value": int(number)})
            raise ValidationError(message, code="invalid_choice") from exc


class ArticlePicker(forms.Widget):
    """The editor's article picker: the chosen articles alone (checked boxes; unchecking one drops it),
    and a box to search titles as one types (htmx, kb:manage_pick) or, without JavaScript, to type the
    articles' numbers (`<name>_q`, "12, 15"). The form sets `chosen`: a function from ids to articles,
    read once for every picker of the form."""

    template_name = "knowledgebase/manage/_article_picker.html"

    def __init__(self, *, multiple: bool, attrs=None):
        super().__init__(attrs)
        self.multiple = multiple
        self.chosen = lambda ids: {}
        self.exclude_id: int | None = None

    def value_from_datadict(self, data, files, name):
        ticked = data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])
        typed = [_number(t) for t in _NUMBERS.split(data.get(f"{name}_q", "")) if t]
        values = list(dict.fromkeys([*ticked, *typed]))
        if self.multiple:
            return values
        return (typed or ticked or [None])[-1] if len(typed) <= 1 else " ".join(typed)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_q" not in data

    def format_value(self, value):
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in values if v not in (None, "")]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = context["widget"]["value"]
        ids = _numbers(values)
        found = self.chosen(ids)
        context["widget"].update(
            multiple=self.multiple,
            chosen=[found[pk] for pk in dict.fromkeys(ids) if pk in found],
            # what was typed and is no article's number stays in the box, beside its error
            typed=", ".join(v for v in values if pickers.article_number(v) not in found),
            exclude_id=self.exclude_id,
        )
        return context


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
    # Pickers, not lists of every article: the choices are checked against the database on save.
    related = ArticleChoices(
        label=_("Related articles"),
        queryset=Article.objects.none(),
        required=False,
        widget=ArticlePicker(multiple=True),
        help_text=_("Type a few letters of a title and pick from the matches, or numbers separated by commas."),
        error_messages={
            "invalid_choice": _("No other article has the number %(value)s."),
            "invalid_pk_value": _("“%(pk)s” is not an article number: pick the article from the matches."),
        },
    )
    translation = forms.ModelChoiceField(
        label=_("Translation"),
        queryset=Article.objects.none(),
        required=False,
        widget=ArticlePicker(multiple=False),
        help_text=_("The same article in another language: type a few letters of its title, or its number."),
        error_messages={
            "invalid_choice": _("No other article has this number: pick the translation from the matches.")
        },
    )

    ARTICLE_TEXT = ("title", "summary", "body")

    def __init__(self, *args, user, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
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
        others = Article.objects.only("id", "title", "language")
        if article is not None:
            others = others.exclude(pk=article.pk)
        for name in ("related", "translation"):
            self.fields[name].queryset = others
            self.fields[name].widget.chosen = self._chosen
            self.fields[name].widget.exclude_id = article.pk if article is not None else None
        self._chosen_articles: dict[int, Article] | None = None

    def _chosen(self, ids: list[int]) -> dict[int, Article]:
        """The articles both pickers show as chosen, read in one query the first time either is drawn."""
        if self._chosen_articles is None:
            values = [*(self["related"].value() or []), self["translation"].value()]
            wanted = set(_numbers(v for v in values if v is not None))
            self._chosen_articles = pickers.article_pick_titles_for(user=self.user, ids=wanted)
        return {pk: self._chosen_articles[pk] for pk in ids if pk in self._chosen_articles}

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
            "related": list(article.related.values_list("pk", flat=True)),
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


class PickForm(forms.Form):
    """What an article picker asks kb:manage_pick: the text typed (`q`, or the picker box's own name
    `<field>_q` as htmx sends it), the page, the article edited and those chosen (left out), and for a
    translation the article's language (its articles left out)."""

    field = forms.ChoiceField(choices=[("related", "related"), ("translation", "translation")], required=False)
    q = forms.CharField(max_length=200, required=False, label=_("Find an article by its title or number"))
    page = forms.IntegerField(min_value=1, max_value=50, required=False)
    exclude = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    language = forms.ChoiceField(choices=[("", "")] + list(settings.LANGUAGES), required=False)

    def __init__(self, data, *args, **kwargs):
        data = data.copy()
        name = data.get("field") if data.get("field") in ("related", "translation") else "related"
        data.setdefault("q", data.get(f"{name}_q", ""))
        super().__init__(data, *args, **kwargs)
        self.chosen = _numbers(data.getlist(name))


class ManageFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(Status.choices), required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
