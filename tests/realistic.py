"""An error as a real Django site sends it (what the bakerydemo showed): a template error raised
through ten in-app frames with locals, a hundred SQL breadcrumbs, a 40-character git release, the
template's frame with its absolute path, and a trace context with its ``dynamic_sampling_context``."""

import uuid
from datetime import UTC, datetime, timedelta

RELEASE = "3f2a9c4e1b7d8a6f5c0e9b2d4a1f7c3e8b6d5a90"  # a git hash, as release= often is
ROOT = "/srv/app/"  # the project's sys.path entry on the server
TEMPLATE = f"{ROOT}bakerydemo/templates/blog/blog_page.html"
SQL = ('SELECT "wagtailcore_page"."id", "wagtailcore_page"."path", "wagtailcore_page"."depth", '
       '"wagtailcore_page"."numchild", "wagtailcore_page"."translation_key", "wagtailcore_page"."locale_id", '
       '"wagtailcore_page"."latest_revision_id", "wagtailcore_page"."live", "wagtailcore_page"."title", '
       '"wagtailcore_page"."slug", "wagtailcore_page"."url_path" FROM "wagtailcore_page" '
       'INNER JOIN "blog_blogpage" ON ("wagtailcore_page"."id" = "blog_blogpage"."page_ptr_id") '
       'WHERE ("wagtailcore_page"."path" LIKE %s AND "wagtailcore_page"."depth" = %s) '
       'ORDER BY "wagtailcore_page"."path" ASC LIMIT 21')


def in_app_frame(n: int) -> dict:
    module = f"bakerydemo.blog.step{n}"
    return {
        "filename": module.replace(".", "/") + ".py", "abs_path": f"{ROOT}{module.replace('.', '/')}.py",
        "module": module, "function": f"render_step_{n}", "lineno": 40 + n, "in_app": True,
        "pre_context": ["def render_step(request, page):", "    context = page.get_context(request)",
                        "    context['related'] = list(page.related_pages())", "    # render the body",
                        "    template = get_template(page.template)"],
        "context_line": f"    return render_step_{n + 1}(request, page, context)",
        "post_context": ["", "", "def other(request):", "    return None", ""],
        "vars": {"request": "<WSGIRequest: GET '/blog/wagtail-spotting/'>", "page": "<BlogPage: Wagtail spotting>",
                 "context": {"page": "<BlogPage: Wagtail spotting>", "self": "<BlogPage: Wagtail spotting>",
                             "request": "<WSGIRequest: GET '/blog/wagtail-spotting/'>", "related": "[...]"},
                 "template": "<django.template.backends.django.Template object at 0x7f2a>", "n": str(n),
                 "kwargs": {"slug": "'wagtail-spotting'"}, "args": "()", "self": "<BlogPageView>"},
    }


def library_frame(module: str, function: str, lineno: int) -> dict:
    path = module.replace(".", "/") + ".py"
    return {"filename": path, "abs_path": f"/usr/lib/python3/site-packages/{path}", "module": module,
            "function": function, "lineno": lineno, "in_app": False, "context_line": f"        {function}()"}


def real_error_event(**overrides) -> dict:
    """The template error; ``overrides`` replace top-level keys."""
    now = datetime.now(UTC)
    frames = [library_frame("django.core.handlers.base", "_get_response", 197),
              *(in_app_frame(n) for n in range(9)),
              library_frame("django.template.base", "render", 1008),
              {"filename": TEMPLATE, "lineno": 16, "in_app": True,
               "pre_context": ["{% block content %}", "  <h1>{{ page.title }}</h1>"],
               "context_line": "  {% include page.missing_partial %}", "post_context": ["{% endblock %}"]},
              library_frame("django.template.loader", "get_template", 19)]
    event = {
        "event_id": uuid.uuid4().hex, "timestamp": now.isoformat(), "level": "error", "platform": "python",
        "environment": "production", "release": RELEASE, "server_name": "web-1", "transaction": "/blog/{slug}/",
        "exception": {"values": [{
            "type": "TemplateDoesNotExist", "value": "blog/partials/missing.html",
            "module": "django.template.exceptions", "mechanism": {"type": "django", "handled": False},
            "stacktrace": {"frames": frames}}]},
        "breadcrumbs": {"values": [
            {"timestamp": (now - timedelta(seconds=100 - i)).timestamp(), "type": "default", "category": "query",
             "level": "info", "message": SQL.replace("LIMIT 21", f"LIMIT {i + 1}"),
             "data": {"db.params": ["00010001%", i], "db.paramstyle": "format", "db.executemany": False}}
            for i in range(100)]},
        "request": {"method": "GET", "url": "https://bakery.example/blog/wagtail-spotting/",
                    "headers": {"User-Agent": "Mozilla/5.0", "Accept": "text/html"}},
        "tags": {"browser": "Chrome", "url": "https://bakery.example/blog/wagtail-spotting/"},
        "contexts": {"trace": {"trace_id": "4c79f60c11214eb38604f4ae0781bfb2", "span_id": "fa90fdead5f74052",
                               "op": "http.server", "status": "internal_error",
                               "dynamic_sampling_context": {"trace_id": "4c79f60c11214eb38604f4ae0781bfb2",
                                                            "environment": "production", "release": RELEASE,
                                                            "public_key": "abc", "sample_rate": "1.0",
                                                            "transaction": "/blog/{slug}/", "sampled": "true"}},
                     "runtime": {"name": "CPython", "version": "3.12.3"}},
        "modules": {"django": "5.2", "wagtail": "7.0", "sentry-sdk": "2.75.0"},
        "sdk": {"name": "sentry.python.django", "version": "2.75.0"},
    }
    event.update(overrides)
    return event
