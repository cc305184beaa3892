"""PostgreSQL keeps finer statistics of the ticket search words (issue #22).

With the default statistics target, PostgreSQL's list of the most common words of `search_vector` held
100 words, and it estimated any other word matched as a prefix ("zzqx:*") at 0.5% of the tickets: a
search sorted by date and cut at 50 rows then walked the date index expecting its 50 soon, and a word no
ticket has read every ticket (3.3 s at a million). With 1,000 the list holds thousands of words, a rare
word is estimated as rare, and PostgreSQL reads its few matches through the word index (4-14 ms for
any word at a million tickets). The ANALYZE here gathers them at once (3.4 s at a million tickets).
"""

from django.db import migrations

TARGET = 1000


def _set_target(target: int):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite searches the words with LIKE: no statistics to tune
        table = schema_editor.quote_name(apps.get_model("tickets", "Ticket")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET STATISTICS {int(target)}")
        schema_editor.execute(f"ANALYZE {table} (search_vector)")

    return run


class Migration(migrations.Migration):
    dependencies = [("tickets", "0043_solved_report_index_root_cause")]

    operations = [migrations.RunPython(_set_target(TARGET), _set_target(-1))]
