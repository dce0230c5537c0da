"""The shop's pages."""

from django.http import HttpResponse

from . import accounts, catalog, checkout, reports


def checkout_view(request, cart_id: int):
    cart = {"id": cart_id, "coupon": None, "items": [
        {"sku": "TEA-01", "qty": 2, "price": catalog.price_of("tea")},
        {"sku": "MUG-07", "qty": 1, "price": catalog.price_of("mug")},
    ]}
    card = {"number": "4000000000000002", "holder": request.GET.get("holder", "Ada")}
    return HttpResponse(checkout.place_order(cart, card))


def product(request, slug: str):
    return HttpResponse(str(catalog.price_of(slug)))


def search(request):
    return HttpResponse(", ".join(catalog.search_page(request.GET.get("q", ""), request.GET.get("page", "1"))))


def profile(request, user_id: int):
    return HttpResponse(accounts.theme_of(user_id))


def report(request):
    reports.request_report()
    return HttpResponse("queued")
