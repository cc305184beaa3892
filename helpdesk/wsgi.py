"""The WSGI application: gunicorn imports it once in each worker process.

Once it is loaded (with every view and template tag: the URL patterns are read here rather than by
the first request), what the process has built is moved out of the garbage collector's reach
(gc.freeze). Those ~190,000 objects (modules, classes, URL patterns, settings) live as long as the
process; a full collection walked them all, 85-110 ms on a 2-core machine, about once every hundred
requests. Now a collection walks only what requests made.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 (imports every view now, not during the first request)
gc.freeze()
