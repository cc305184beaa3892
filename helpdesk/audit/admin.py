"""The admin's history pages of audited models: each change with its user, channel and the fields it
changed, before and after. Read only: going back to an old version is a new change through the
usual form (an old version lacks the secrets the history never holds)."""

from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from helpdesk.audit.log import ACTIONS, m2m_values
from helpdesk.audit.values import field_changes, object_label


class AuditedAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/audit/object_history_list.html"
    history_list_per_page = 50

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise Http404  # no revert form: see the module's docstring

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each row of the page with what it changed; the page's oldest row is compared with the row
        before it too (one query), the many-to-many fields in one query each."""
        records = list(historical_records)
        if not records:
            return
        model = self.model
        historical = type(records[0])
        pk = model._meta.pk.attname
        oldest = records[-1]
        earlier = (
            historical.objects.filter(**{pk: getattr(oldest, pk)}, history_id__lt=oldest.history_id)
            .order_by("-history_id")
            .first()
        )
        chain = [*records, earlier] if earlier is not None else records
        m2m = m2m_values(historical, [r.history_id for r in chain])
        for index, record in enumerate(records):
            before = chain[index + 1] if index + 1 < len(chain) else None
            record.audit_label = object_label(record)
            record.audit_action = ACTIONS.get(record.history_type, record.history_type)
            record.audit_changes = field_changes(model, record, before, m2m) if record.history_type != "-" else []
