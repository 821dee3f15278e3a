/** A small JSON client for the gateway, as a shopper's browser or a load generator would call it. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

export const goodCard = { cardNumber: '4242424242424242', expiry: '12/39', cvv: '123' };
export const declinedCard = { cardNumber: '4000000000000002', expiry: '12/39', cvv: '123' };

export async function cartWith(base: string, items: { productId: string; quantity: number }[]): Promise<string> {
  const created = await api<{ id: string }>(base, 'POST', '/api/carts');
  if (created.status !== 201) throw new Error(`cart create failed: ${created.status}`);
  for (const item of items) {
    const added = await api(base, 'POST', `/api/carts/${created.body.id}/items`, item);
    if (added.status !== 201) throw new Error(`add item failed: ${added.status} ${JSON.stringify(added.body)}`);
  }
  return created.body.id;
}

export function checkout(base: string, cartId: string, payment = goodCard, key?: string) {
  return api(base, 'POST', '/api/checkout', { cartId, email: 'shopper@example.com', payment }, key ? { 'idempotency-key': key } : {});
}
