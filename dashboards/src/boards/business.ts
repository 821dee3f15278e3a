// Business KPIs, the shop owner's admin board: orders, revenue, the checkout funnel, payment
// failures, and the checkout_flow A/B experiment compared by variant.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { prometheus } from '../datasources.ts';
import { barPanel, boardLink, promTimeSeriesPanel, statPanel } from '../panels.ts';
import { prom } from '../queries.ts';
import { uids } from '../uids.ts';

const variant = 'exp_checkout_flow';
const steps = (step: string, by = '') => `sum${by ? ` by (${by})` : ''} (increase(shop_checkout_steps_total{step="${step}"}[$__range]))`;

/** A 6×5 stat of the top row: one query's latest value. */
const kpiStat = (title: string, description: string, unit: string, query: cog.Builder<cog.Dataquery>) =>
  statPanel({ title, description, source: prometheus, w: 6, h: 5, unit, targets: [query] });

export function businessBoard(): dashboardTypes.Dashboard {
  return newBoard(
    uids.business,
    'Business KPIs',
    "The shop's orders, revenue and checkout funnel, payment failures by reason, and the checkout_flow experiment by variant.",
  )
    .link(boardLink('Transactions', uids.transactions))
    .withPanel(
      kpiStat(
        'Orders per minute',
        'Orders placed (payment approved) per minute.',
        'short',
        prom('A', 'sum(rate(shop_orders_total[$__rate_interval])) * 60', { legend: 'orders/min' }),
      ),
    )
    .withPanel(
      kpiStat(
        'Revenue per minute',
        'Revenue of the orders placed, per minute, by currency.',
        'currencyEUR',
        prom('A', 'sum by (currency) (rate(shop_revenue_total[$__rate_interval])) * 60', { legend: '{{currency}}' }),
      ),
    )
    .withPanel(
      kpiStat(
        'Average order value',
        'Revenue over orders for the selected time range.',
        'currencyEUR',
        prom('A', 'sum(increase(shop_revenue_total[$__range])) / sum(increase(shop_orders_total[$__range]))', { instant: true }),
      ),
    )
    .withPanel(
      kpiStat(
        'Checkout conversion',
        'Checkouts confirmed over checkouts started (cart priced), over the time range.',
        'percentunit',
        prom('A', `${steps('confirmed')} / ${steps('cart_priced')}`, { instant: true }),
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        { title: 'Orders and revenue per minute', description: 'Orders and revenue per minute over time.', w: 12, h: 8 },
        [
          ['sum(rate(shop_orders_total[$__rate_interval])) * 60', 'orders/min'],
          ['sum(rate(shop_revenue_total[$__rate_interval])) * 60', 'revenue/min'],
        ],
      ),
    )
    .withPanel(
      barPanel({
        title: 'Checkout funnel',
        description: 'Items added to carts, then each checkout step: cart priced, stock reserved, confirmed (or payment failed).',
        source: prometheus,
        w: 12,
        h: 8,
        targets: [
          prom('A', 'sum(increase(shop_cart_updates_total{action="add"}[$__range]))', { instant: true, legend: 'added to cart' }),
          prom('B', 'sum by (step) (increase(shop_checkout_steps_total[$__range]))', { instant: true, legend: '{{step}}' }),
        ],
      }),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Payment failures by reason',
          description:
            'Failed payments per minute by reason (card declined, insufficient funds, provider error). Empty unless a payment fails.',
          w: 12,
          h: 8,
        },
        [['sum by (reason) (rate(shop_payment_failures_total[$__rate_interval])) * 60', '{{reason}}']],
      ),
    )
    .withPanel(
      barPanel({
        title: 'A/B: conversion by variant',
        description: 'checkout_flow experiment: confirmed over started checkouts, per variant (control, express).',
        source: prometheus,
        w: 12,
        h: 8,
        unit: 'percentunit',
        targets: [
          prom('A', `${steps('confirmed', variant)} / ${steps('cart_priced', variant)}`, { instant: true, legend: `{{${variant}}}` }),
        ],
      }),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'A/B: error ratio by variant',
          description: 'Share of requests answered 5xx, per variant of the experiment, across every service.',
          w: 12,
          h: 8,
          unit: 'percentunit',
        },
        [
          [
            `(sum by (${variant}) (rate(http_server_request_duration_seconds_count{job="shop", status_class="5xx"}[$__rate_interval])) or 0 * sum by (${variant}) (rate(http_server_request_duration_seconds_count{job="shop"}[$__rate_interval])))\n/\nsum by (${variant}) (rate(http_server_request_duration_seconds_count{job="shop"}[$__rate_interval]))`,
            `{{${variant}}}`,
          ],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'A/B: checkout p95 by variant',
          description: "95th percentile of the gateway's checkout requests, per variant; exemplars open a trace.",
          w: 12,
          h: 8,
          unit: 's',
          exemplar: true,
        },
        [
          [
            `histogram_quantile(0.95, sum by (le, ${variant}) (rate(http_server_request_duration_seconds_bucket{job="shop", service="gateway", route="/api/checkout"}[$__rate_interval])))`,
            `{{${variant}}}`,
          ],
        ],
      ),
    )
    .build();
}
