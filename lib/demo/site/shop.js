// The demo site's own instrumentation, written as a customer would against Trodo's docs.
const on = (id, handler) => document.getElementById(id).addEventListener('click', handler);
let seats = 0;

on('signup', () => window.Trodo.track('signup_completed', { plan: 'pro', source: 'pricing_page' }));
on('add-to-cart', () => window.Trodo.track('cart_item_added', { item: 'seat', quantity: 1, total_seats: ++seats }));
// The page tracks the start; the shop's backend tracks the payment (checkout_completed) with
// the Node SDK, in this browser session: the page hands it Trodo's propagation headers.
on('checkout', async () => {
  window.Trodo.track('checkout_started', { total_seats: seats }, { category: 'billing' });
  const headers = { 'Content-Type': 'application/json', ...window.Trodo.getPropagationHeaders() };
  const answer = await fetch('/api/checkout', { method: 'POST', headers, body: JSON.stringify({ seats }) });
  document.getElementById('status').textContent = answer.ok ? 'Paid.' : `Checkout failed (${answer.status}).`;
});
