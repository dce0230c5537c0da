// A shop's checkout page as a browser sees it: @sentry/browser reports to the DSN in the page's
// query string (?dsn=...), then three things go wrong: an error thrown twice from one code site
// (one issue, two events), an unhandled promise rejection and a message. The SDK's own POSTs
// are "simple" requests (text/plain), which browsers send without a CORS preflight; `?header=1`
// sends them as application/x-sentry-envelope (transportOptions.headers, as a site may), which
// makes the browser ask first. When the SDK's queue is flushed, the page's title says so.
import * as Sentry from "@sentry/browser";

const params = new URLSearchParams(location.search);
Sentry.init({
    dsn: params.get("dsn"),
    release: "shop-web@1.4.2",
    environment: "production",
    transportOptions: params.has("header") ? { headers: { "Content-Type": "application/x-sentry-envelope" } } : {},
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
