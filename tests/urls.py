from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/_minisentry/", include("minisentry.urls")),
    path("admin/", admin.site.urls),
]
