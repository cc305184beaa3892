"""Article tags whose name holds a list separator ("پرینتر، سخت‌افزار", typed when only the Latin comma
split a list) become the tags they name: every article that had the joined tag gets each part (an
existing tag of that name, in any case, is reused), then the joined tag is deleted. The tag names are
the same words, so the articles' search columns need no rebuild. The splitting is frozen here as
helpdesk.text.split_list did it then.
"""

import re

from django.db import migrations

SEPARATORS = re.compile("[,\u060c;\u061b\n\r]")
EDGES = " \t\u200c\u200d\u200e\u200f\ufeff\u00a0"


def parts_of(name: str) -> list[str]:
    kept: dict[str, str] = {}
    for part in SEPARATORS.split(name):
        part = " ".join(part.split()).strip(EDGES)[:60]
        if part:
            kept.setdefault(part.casefold(), part)
    return list(kept.values())


def split_joined_tags(apps, schema_editor):
    ArticleTag = apps.get_model("knowledgebase", "ArticleTag")
    through = apps.get_model("knowledgebase", "Article").tags.through
    for joined in ArticleTag.objects.filter(name__regex="[,\u060c;\u061b]"):
        tags = []
        for part in parts_of(joined.name):
            tags.append(ArticleTag.objects.filter(name__iexact=part).first() or ArticleTag.objects.create(name=part))
        if not tags:
            continue
        article_ids = list(through.objects.filter(articletag_id=joined.pk).values_list("article_id", flat=True))
        rows = [through(article_id=article_id, articletag_id=tag.pk) for article_id in article_ids for tag in tags]
        through.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        joined.delete()


class Migration(migrations.Migration):
    dependencies = [("knowledgebase", "0004_search_zwnj_joined_stems")]

    # One way: which articles had the joined tag is not kept apart from those that had its parts already.
    operations = [migrations.RunPython(split_joined_tags, migrations.RunPython.noop)]
