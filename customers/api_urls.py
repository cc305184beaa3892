from django.urls import path

from . import api

urlpatterns = [
    path("contacts/", api.ContactListView.as_view(), name="api-contact-list"),
    path("contacts/<int:pk>/", api.ContactDetailView.as_view(), name="api-contact-detail"),
    path("organizations/", api.OrganizationListView.as_view(), name="api-organization-list"),
    path("organizations/<int:pk>/", api.OrganizationDetailView.as_view(), name="api-organization-detail"),
    path("products/", api.ProductListView.as_view(), name="api-product-list"),
    path("products/<int:pk>/", api.ProductDetailView.as_view(), name="api-product-detail"),
    path("contracts/", api.ContractListView.as_view(), name="api-contract-list"),
    path("contracts/<int:pk>/", api.ContractDetailView.as_view(), name="api-contract-detail"),
    path("sla-policies/", api.SlaPolicyListView.as_view(), name="api-sla-policy-list"),
    path("sla-policies/<int:pk>/", api.SlaPolicyDetailView.as_view(), name="api-sla-policy-detail"),
    path("calendars/", api.CalendarListView.as_view(), name="api-calendar-list"),
    path("calendars/<int:pk>/", api.CalendarDetailView.as_view(), name="api-calendar-detail"),
]
