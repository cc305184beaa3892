from django.urls import path

from . import portal_views

urlpatterns = [
    path("", portal_views.home, name="home"),
]
