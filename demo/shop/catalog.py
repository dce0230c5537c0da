"""Products and their prices; the product search."""

PRICES = {"tea": 450, "mug": 1200}
PAGE_SIZE = 20


def price_of(slug: str) -> int:
    return PRICES[slug]  # KeyError for a product that is not sold


def search_page(query: str, page: str) -> list[str]:
    number = int(page)  # ValueError for ?page=two
    matches = sorted(slug for slug in PRICES if query in slug)
    return matches[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
