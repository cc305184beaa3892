"""Rebuild every article's search columns with the stems of its ZWNJ words written as one
(knowledgebase.search.query.indexed: "پشتیبان‌گیری" is stored as پشت گیر and also پشتیبانگیر), so a
word typed without the joiner ("پشتیبانگیری", "نمیرسد") finds articles written before, and the new
stems join the vocabulary that split and joined words are looked up in.

Batches of articles by id (knowledgebase.search.articles_reindex); not atomic, so a large table is
never locked for the whole run (search keeps working on the rows not yet rebuilt, exactly as before).
"""

from django.db import migrations

from knowledgebase.search import articles_reindex


def rebuild(apps, schema_editor):
    articles_reindex(
        article_model=apps.get_model("knowledgebase", "Article"),
        term_model=apps.get_model("knowledgebase", "SearchTerm"),
        connection=schema_editor.connection,
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("knowledgebase", "0003_search_statistics"),
    ]

    operations = [
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
