// The demo site's own instrumentation, written as a customer would against Trodo's docs.
const on = (id, handler) => document.getElementById(id).addEventListener('click', handler);
let seats = 0;

on('signup', () => window.Trodo.track('signup_completed', { plan: 'pro', source: 'pricing_page' }));
on('add-to-cart', () => window.Trodo.track('cart_item_added', { item: 'seat', quantity: 1, total_seats: ++seats }));
on('checkout', () => window.Trodo.track('checkout_completed', { amount_cents: 2900 * Math.max(1, seats) }, { category: 'billing' }));
