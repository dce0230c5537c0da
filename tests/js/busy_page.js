// The benchmark's browser events (benchmarks/record_envelopes.py): a shop page after a few
// minutes of use, so that each event carries what a real one does: 60 breadcrumbs (console
// lines, clicks, navigations), a user, tags and a context, then errors thrown from six code sites
// at different call depths, rejections and messages. The DSN is in the page's query string; the
// page's title says "flushed" when the SDK has sent everything.
import * as Sentry from "@sentry/browser";

const params = new URLSearchParams(location.search);
Sentry.init({ dsn: params.get("dsn"), release: "shop-web@1.4.2", environment: "production", maxBreadcrumbs: 60 });
Sentry.setUser({ id: "4711", email: "ada@example.com" });
Sentry.setTag("page", "checkout");
Sentry.setContext("basket", { lines: 4, total: "129.90", currency: "EUR", coupon: "TEA10" });

const WORDS = "order customer invoice payment cart session token product shipment refund coupon address".split(" ");
const SITES = [
    function priceOf(line) { return line.price.amount; },
    function shippingFor(address) { return address.country.zone; },
    function applyCoupon(code) { throw new RangeError(`coupon ${code} expired`); },
    function renderBasket(basket) { return basket.lines.map((line) => line.sku.toUpperCase()); },
    function validateCard(card) { throw new Error(`card ${card.last4} declined by issuer`); },
    function trackStep(step) { return window.analytics.track(step); },
];

function browse(round) {
    for (let i = 0; i < 60; i++) {
        const word = WORDS[(round + i) % WORDS.length];
        console.log(`loaded ${word} ${round}-${i}: ${JSON.stringify({ id: i * 37 + round, status: "open", items: [1, 2, 3].map((n) => `${word}-${n * i}`) })}`);
    }
    document.body.innerHTML = `<button id="pay-${round}" class="btn btn-primary checkout-pay">Pay</button>`;
    document.getElementById(`pay-${round}`).click();
}

function deep(depth, site, argument) {
    return depth ? deep(depth - 1, site, argument) : SITES[site](argument);
}

async function run() {
    for (let round = 0; round < 12; round++) {
        browse(round);
        const site = round % SITES.length;
        try {
            deep(2 + (round % 5), site, { last4: `42${round}`, lines: [{}] });
        } catch (error) {
            Sentry.captureException(error);
        }
        if (round % 4 === 0) {
            Promise.reject(new TypeError(`stock service unreachable (${round})`));
        }
        if (round % 3 === 0) {
            Sentry.captureMessage(`checkout slow: ${1200 + round} ms`, "warning");
        }
        await new Promise((resolve) => setTimeout(resolve));
    }
    document.title = (await Sentry.flush(10000)) ? "flushed" : "not flushed";
}

document.addEventListener("click", () => {});
run();
