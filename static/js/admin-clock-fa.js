// Django's admin clock (admin/js/admin/DateTimeShortcuts.js: "Now" and the hours of the clock) writes the
// time in Latin digits. A Persian page's time box shows and reads Persian ones (helpdesk.admin_dates.
// AdminCalendarTimeInput, CalendarTimeField), so they are written as the box writes them. Loaded on
// Persian admin pages only (templates/admin/base_site.html), deferred: the admin's own scripts, plain
// scripts in the page head, have defined DateTimeShortcuts by now. The date box beside it is the Jalali
// picker's (static/js/jalali-picker.js), never Django's Gregorian calendar.
(() => {
  const shortcuts = window.DateTimeShortcuts;
  if (!shortcuts) return;
  const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";
  const handle = shortcuts.handleClockQuicklink;
  shortcuts.handleClockQuicklink = function (num, val) {
    handle.call(this, num, val);
    const box = shortcuts.clockInputs[num];
    box.value = box.value.replace(/[0-9]/g, (d) => PERSIAN_DIGITS[d]);
  };
})();
