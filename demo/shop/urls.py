from django.urls import path

from . import views

urlpatterns = [
    path("checkout/<int:cart_id>/", views.checkout_view),
    path("products/<slug:slug>/", views.product),
    path("search/", views.search),
    path("users/<int:user_id>/", views.profile),
    path("reports/", views.report),
]
