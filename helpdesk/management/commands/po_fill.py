"""Fill Persian translations into locale/fa from a JSON object {"English msgid": "ترجمه"}.

Used while developing: `make messages`, then write the new msgids' translations to a JSON file and
run `manage.py po_fill that.json`. Plural entries take a list of forms. Fuzzy marks are removed
from the entries it fills.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Fill msgstr entries of locale/fa/LC_MESSAGES/django.po from a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("json_file")
        parser.add_argument("--po", default=str(settings.BASE_DIR / "locale/fa/LC_MESSAGES/django.po"))
        parser.add_argument("--overwrite", action="store_true", help="Replace existing translations too.")

    def handle(self, json_file, po, overwrite=False, **options):
        try:
            import polib
        except ImportError as exc:  # a dev tool: polib is in requirements-dev.txt
            raise CommandError("polib is required (pip install -r requirements-dev.txt)") from exc
        translations = json.loads(Path(json_file).read_text(encoding="utf-8"))
        catalog = polib.pofile(po, wrapwidth=0)
        filled = 0
        for entry in catalog:
            if entry.msgid not in translations or entry.obsolete:
                continue
            value = translations[entry.msgid]
            if entry.msgid_plural:
                forms = value if isinstance(value, list) else [value, value]
                if overwrite or not any(entry.msgstr_plural.values()) or entry.fuzzy:
                    entry.msgstr_plural = {i: form for i, form in enumerate(forms)}
                    filled += 1
            elif overwrite or not entry.msgstr or entry.fuzzy:
                entry.msgstr = value
                filled += 1
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
        catalog.save(po)
        missing = [e.msgid for e in catalog if not e.obsolete and not e.translated() and e.msgid]
        self.stdout.write(f"filled {filled}; still untranslated: {len(missing)}")
        for msgid in missing[:50]:
            self.stdout.write(f"  {msgid!r}")
