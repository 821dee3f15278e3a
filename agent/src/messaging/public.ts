import { startAgent } from '../agent.ts';
import type { Messaging } from './messaging.ts';

export type { Messaging, ConsumerLag, OutboxBacklog } from './messaging.ts';

// The messaging API of the package's main entry (importing it starts the agent, as api.ts does).

export const messaging: Messaging = startAgent().messaging;
