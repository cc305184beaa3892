"""What changed between two revisions of an article, field by field, as lines to show."""

import difflib
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from knowledgebase.models import FIELD_LABELS, ArticleRevision


@dataclass
class FieldDiff:
    field: str
    label: str
    lines: list[tuple[str, str]] = dataclass_field(default_factory=list)  # (kind: add/del/ctx/gap, text)


def _as_lines(field_name: str, snapshot: dict) -> list[str]:
    value = snapshot.get("category_name" if field_name == "category" else field_name, "")
    if isinstance(value, list):
        return [", ".join(str(v) for v in value)]
    return str(value or "").splitlines() or [""]


def revision_diff(*, revision: ArticleRevision, previous: ArticleRevision | None) -> list[FieldDiff]:
    """A readable, line-based diff of each changed field against the previous revision."""
    old = previous.snapshot if previous else {}
    diffs = []
    for name in revision.changed_fields:
        item = FieldDiff(field=name, label=str(FIELD_LABELS.get(name, name)))
        before, after = (_as_lines(name, old) if old else []), _as_lines(name, revision.snapshot)
        for line in difflib.unified_diff(before, after, lineterm="", n=2):
            if line.startswith(("---", "+++")):
                continue
            if line.startswith("@@"):
                if item.lines:
                    item.lines.append(("gap", "…"))
            elif line.startswith("+"):
                item.lines.append(("add", line[1:]))
            elif line.startswith("-"):
                item.lines.append(("del", line[1:]))
            else:
                item.lines.append(("ctx", line[1:]))
        diffs.append(item)
    return diffs
