// A shop's checkout page as a browser sees it: @sentry/browser reports to the DSN in the page's
// query string (?dsn=...), then three things go wrong: an error thrown twice from one code site
// (one issue, two events), an unhandled promise rejection and a message. `?header=1` adds a
// header of the site's own to the SDK's requests (transportOptions.headers), which makes each
// POST a non-simple request: the browser sends a CORS preflight before it. When the SDK's queue
// is flushed, the page's title says so.
import * as Sentry from "@sentry/browser";

const params = new URLSearchParams(location.search);
Sentry.init({
    dsn: params.get("dsn"),
    release: "shop-web@1.4.2",
    environment: "production",
    transportOptions: params.has("header") ? { headers: { "X-Shop-Client": "checkout" } } : {},
});

function cartTotal(attempt) {
    throw new Error(`cart total is not a number (attempt ${attempt})`);
}

function loadStock() {
    return Promise.reject(new TypeError("stock service unreachable"));
}

function checkout() {
    setTimeout(() => cartTotal(1));
    setTimeout(() => cartTotal(2));
    setTimeout(() => {
        loadStock();
        Sentry.captureMessage("checkout opened without a basket", "warning");
    });
    setTimeout(() => Sentry.flush(10000).then((done) => { document.title = done ? "flushed" : "not flushed"; }));
}

checkout();
