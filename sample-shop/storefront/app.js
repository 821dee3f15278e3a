// The storefront: list, search, add to cart, checkout — plain DOM against the gateway's API.
const state = { offset: 0, limit: 12, total: 0, cartId: localStorage.getItem('cartId') };
const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const response = await fetch(`/api${path}`, {
    ...options,
    headers: { 'content-type': 'application/json', ...(options.headers || {}) },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.error ? body.error.message : `HTTP ${response.status}`);
    error.code = body.error ? body.error.code : 'http_error';
    error.status = response.status;
    throw error;
  }
  return body;
}

// One Idempotency-Key per checkout attempt: made when the shopper first presses "Place order"
// for a cart, sent again on every retry until the shop gives a definitive answer, so a retry
// after a lost answer or "payment outcome unknown" finds the first order instead of paying twice.
const attemptKey = 'checkoutAttempt';

function checkoutKey(cartId) {
  try {
    const attempt = JSON.parse(localStorage.getItem(attemptKey) || 'null');
    if (attempt && attempt.cartId === cartId && typeof attempt.key === 'string') return attempt.key;
  } catch {
    // a damaged entry: start a new attempt
  }
  const key = crypto.randomUUID();
  localStorage.setItem(attemptKey, JSON.stringify({ cartId, key }));
  return key;
}

function endCheckoutAttempt() {
  localStorage.removeItem(attemptKey);
}

/**
 * Whether the shop may not have finished with an attempt: no answer at all (network), a 5xx
 * (outcome unknown, a service away), or "still processing" / "slow down". Every other answer
 * is definitive, and the next attempt gets a new key.
 */
function outcomeUnknown(err) {
  if (err.status === undefined || err.status >= 500) return true;
  return err.status === 408 || err.status === 429 || err.code === 'checkout_in_progress';
}

function show(message, kind) {
  $('message').textContent = message;
  $('message').className = kind;
}

function formatMoney(price) {
  return `${price.amount.toFixed(2)} ${price.currency}`;
}

async function loadCategories() {
  const { items } = await api('/categories');
  for (const category of items) {
    const option = document.createElement('option');
    option.value = category.name;
    option.textContent = `${category.name} (${category.productCount})`;
    $('category').append(option);
  }
}

async function loadProducts() {
  const params = new URLSearchParams({ limit: String(state.limit), offset: String(state.offset) });
  if ($('q').value.trim()) params.set('q', $('q').value.trim());
  if ($('category').value) params.set('category', $('category').value);
  const { items, total } = await api(`/products?${params}`);
  state.total = total;
  $('product-summary').textContent = `${total} products`;
  const list = $('product-list');
  list.replaceChildren();
  for (const product of items) {
    const li = document.createElement('li');
    li.className = 'product';
    li.dataset.productId = product.id;
    const title = document.createElement('h3');
    title.textContent = product.name;
    const meta = document.createElement('p');
    meta.className = 'meta';
    meta.textContent = `${product.category} · ${product.sku} · ${product.stock === null ? 'stock unknown' : `${product.stock} in stock`}`;
    const price = document.createElement('p');
    price.textContent = formatMoney(product.price);
    const add = document.createElement('button');
    add.type = 'button';
    add.textContent = 'Add to cart';
    // a named user action for real-user monitoring (telemetry.ts): the name only, never input values
    add.dataset.faroUserActionName = 'add-to-cart';
    add.disabled = product.stock === 0;
    add.addEventListener('click', () => addToCart(product.id).catch((err) => show(err.message, 'error')));
    li.append(title, meta, price, add);
    list.append(li);
  }
  $('prev').disabled = state.offset === 0;
  $('next').disabled = state.offset + state.limit >= total;
}

async function ensureCart() {
  if (state.cartId) {
    try {
      const cart = await api(`/carts/${encodeURIComponent(state.cartId)}`);
      if (cart.status === 'open') return state.cartId;
    } catch {
      // a cart from an earlier shop run: start a new one
    }
  }
  const { id } = await api('/carts', { method: 'POST', body: '{}' });
  state.cartId = id;
  localStorage.setItem('cartId', id);
  return id;
}

async function addToCart(productId) {
  const cartId = await ensureCart();
  const cart = await api(`/carts/${encodeURIComponent(cartId)}/items`, {
    method: 'POST',
    body: JSON.stringify({ productId, quantity: 1 }),
  });
  renderCart(cart);
  show('Added to cart', 'ok');
}

function renderCart(cart) {
  const list = $('cart-items');
  list.replaceChildren();
  let count = 0;
  for (const item of cart.items) {
    count += item.quantity;
    const li = document.createElement('li');
    li.textContent = `${item.quantity} × ${item.name ?? item.productId}${item.lineTotal ? ` — ${formatMoney(item.lineTotal)}` : ''}`;
    list.append(li);
  }
  $('cart-count').textContent = String(count);
  $('cart-total').textContent = formatMoney(cart.total);
}

async function checkout(event) {
  event.preventDefault();
  if (!state.cartId) return show('Your cart is empty', 'error');
  $('pay').disabled = true;
  try {
    const result = await api('/checkout', {
      method: 'POST',
      headers: { 'idempotency-key': checkoutKey(state.cartId) },
      body: JSON.stringify({
        cartId: state.cartId,
        email: $('email').value,
        payment: { cardNumber: $('card').value, expiry: $('expiry').value, cvv: $('cvv').value },
      }),
    });
    endCheckoutAttempt();
    if (result.status === 'confirmed') {
      show(`Order ${result.orderId} confirmed — total ${formatMoney(result.total)}`, 'ok');
      state.cartId = null;
      localStorage.removeItem('cartId');
      renderCart({ items: [], total: { amount: 0, currency: result.total.currency } });
      loadProducts().catch(() => undefined);
    } else {
      show(`Payment failed (${result.failureReason}); your cart is kept`, 'error');
    }
  } catch (err) {
    if (outcomeUnknown(err)) {
      show(`${err.message}. Press "Place order" again to finish this order: you will not be charged twice.`, 'error');
    } else if (err.code === 'idempotency_key_reused') {
      // the details changed since an unfinished attempt: the next press starts a new one
      endCheckoutAttempt();
      show('Your details changed since the last attempt; press "Place order" again to pay with these.', 'error');
    } else {
      endCheckoutAttempt();
      show(err.message, 'error');
    }
  } finally {
    $('pay').disabled = false;
  }
}

$('search').addEventListener('submit', (event) => {
  event.preventDefault();
  state.offset = 0;
  loadProducts().catch((err) => show(err.message, 'error'));
});
$('prev').addEventListener('click', () => {
  state.offset = Math.max(0, state.offset - state.limit);
  loadProducts().catch((err) => show(err.message, 'error'));
});
$('next').addEventListener('click', () => {
  state.offset += state.limit;
  loadProducts().catch((err) => show(err.message, 'error'));
});
$('checkout').addEventListener('submit', checkout);

loadCategories().catch(() => undefined);
loadProducts().catch((err) => show(err.message, 'error'));
if (state.cartId) {
  api(`/carts/${encodeURIComponent(state.cartId)}`)
    .then((cart) => (cart.status === 'open' ? renderCart(cart) : localStorage.removeItem('cartId')))
    .catch(() => localStorage.removeItem('cartId'));
}
