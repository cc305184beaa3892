"""Persian number formats on top of Django's (django/conf/locale/fa/formats.py, which has no grouping).

Amounts shown with grouping (`floatformat:"g"`) group by thousands like English; the template filters
(helpdesk.templatetags.helpdesk.hd_number) then write the separators as Persian does: "۱٬۲۳۴٫۵".
"""

NUMBER_GROUPING = 3
