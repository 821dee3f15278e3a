// Events: the shop's order events through Kafka. Publish and process rates by topic, the
// consumer group's lag by partition, the orders outbox's backlog and oldest age, and the
// processing latency. The alerts ConsumerLagGrowing, OutboxBacklogGrowing and ConsumerDown link
// here with `var-group` or `var-outbox`.
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { boardLink, labelVariable, promTimeSeriesPanel } from '../panels.ts';
import { uids } from '../uids.ts';

const operations = 'messaging_client_operation_duration_seconds';

export function eventsBoard(): dashboardTypes.Dashboard {
  return newBoard(
    uids.events,
    'Events',
    "The shop's order events through Kafka: what is published and processed, how far the consumers lag, and what waits in the orders outbox.",
    [
      labelVariable('topic', 'Topic', `${operations}_count`, 'topic'),
      labelVariable('group', 'Consumer group', 'messaging_kafka_consumer_lag', 'group'),
      labelVariable('outbox', 'Outbox', 'outbox_pending_events', 'outbox'),
    ],
  )
    .link(boardLink('Service map', uids.serviceMap))
    .link(boardLink('Service overview', uids.serviceOverview))
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Published and processed events',
          description: 'Events a second: published by the producers (orders) and processed by the consumers (fulfilment), by topic.',
          w: 12,
          h: 8,
          unit: 'ops',
        },
        [
          [`sum by (topic) (rate(${operations}_count{operation="publish", topic=~"$topic"}[$__rate_interval]))`, 'publish {{topic}}'],
          [`sum by (topic) (rate(${operations}_count{operation="process", topic=~"$topic"}[$__rate_interval]))`, 'process {{topic}}'],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Consumer lag by partition',
          description:
            'Events each consumer group has not yet committed, per partition (latest offset − committed offset). Growing: the consumer is stopped or too slow.',
          w: 12,
          h: 8,
          unit: 'short',
        },
        [
          [
            'sum by (group, topic, partition) (messaging_kafka_consumer_lag{group=~"$group", topic=~"$topic"})',
            '{{group}} {{topic}}/{{partition}}',
          ],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Outbox backlog',
          description:
            'Events written with their order and not yet published: above zero for long, the broker or the relay is away (none are lost).',
          w: 12,
          h: 8,
          unit: 'short',
        },
        [['max by (service, outbox) (outbox_pending_events{outbox=~"$outbox"})', '{{service}} {{outbox}}']],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Oldest event waiting in the outbox',
          description: 'Age of the oldest unpublished event: how late the consumers will hear of the newest orders.',
          w: 12,
          h: 8,
          unit: 's',
        },
        [['max by (service, outbox) (outbox_oldest_pending_age_seconds{outbox=~"$outbox"})', '{{service}} {{outbox}}']],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Processing and publish p95',
          description: 'p95 of one event processed by a consumer, and of one publish by a producer (exemplars open the trace).',
          w: 24,
          h: 8,
          unit: 's',
          exemplar: true,
        },
        [
          [
            `histogram_quantile(0.95, sum by (le, topic) (rate(${operations}_bucket{operation="process", topic=~"$topic"}[$__rate_interval])))`,
            'process p95 {{topic}}',
          ],
          [
            `histogram_quantile(0.95, sum by (le, topic) (rate(${operations}_bucket{operation="publish", topic=~"$topic"}[$__rate_interval])))`,
            'publish p95 {{topic}}',
          ],
        ],
      ),
    )
    .build();
}
