// Text Django's admin scripts show (Django 5.2: admin/js/SelectFilter2.js, the pickers of
// filter_horizontal fields; admin/js/calendar.js) that its Persian catalogue leaves in English. Listed
// here so `make messages` (makemessages -d djangojs) keeps them in ours, locale/fa/LC_MESSAGES/djangojs.po,
// which the admin's JavaScript catalogue (/admin/jsi18n/) reads after Django's own (LOCALE_PATHS).
// Never loaded by a page. helpdesk/third_party_strings.py does the same for server-side text.

// SelectFilter2.js
gettext('Choose all %s');
gettext('Remove all %s');
gettext('Choose selected %s');
gettext('Remove selected %s');
gettext('Choose %s by selecting them and then select the "Choose" arrow button.');
gettext('Remove %s by selecting them and then select the "Remove" arrow button.');
gettext('Type into this box to filter down the list of selected %s.');
gettext('(click to clear)');

// calendar.js: the days' full names
gettext('Sunday');
gettext('Monday');
gettext('Tuesday');
gettext('Wednesday');
gettext('Thursday');
gettext('Friday');
gettext('Saturday');
