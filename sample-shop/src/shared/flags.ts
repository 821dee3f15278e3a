import { z } from 'zod';
import { readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The fault flags the failure drills toggle. Every flag defaults to off. */
export const flagSchema = z
  .object({
    paymentFailureRate: z.number().min(0).max(1),
    paymentLatencyMs: z.number().int().min(0).max(30_000),
    inventoryUnavailable: z.boolean(),
    catalogSlowQueryMs: z.number().int().min(0).max(30_000),
    gatewayErrorRate: z.number().min(0).max(1),
    cartMemoryGrowthMb: z.number().min(0).max(512),
    /** The nightly settlement job fails at its aggregate step. */
    settlementFailing: z.boolean(),
    /** fulfilment stops consuming order events: the consumer group's lag grows */
    fulfilmentPaused: z.boolean(),
  })
  .strict();

export type Flags = z.infer<typeof flagSchema>;

export const defaultFlags: Readonly<Flags> = Object.freeze({
  paymentFailureRate: 0,
  paymentLatencyMs: 0,
  inventoryUnavailable: false,
  catalogSlowQueryMs: 0,
  gatewayErrorRate: 0,
  cartMemoryGrowthMb: 0,
  settlementFailing: false,
  fulfilmentPaused: false,
});

/** A PUT body: any subset of the flags, each checked; one bad field rejects the whole body. */
export const flagPatchSchema = flagSchema.partial().strict();

function readFlagsFile(text: string): Flags {
  const parsed = flagPatchSchema.safeParse(JSON.parse(text));
  // A damaged file must not take the shop down: fall back to all-off.
  return parsed.success ? { ...defaultFlags, ...parsed.data } : { ...defaultFlags };
}

/**
 * Flags live in one JSON file in the shop's data folder: the gateway writes it (atomically,
 * by rename) and every service re-reads it on a short timer, so a change is seen everywhere
 * within `pollMs` and survives restarts.
 */
export class FlagStore {
  private current: Flags;
  private timer: NodeJS.Timeout | undefined;
  private lastText = '';

  constructor(
    private readonly path: string,
    private readonly pollMs = 250,
  ) {
    this.current = { ...defaultFlags };
    try {
      this.lastText = readFileSync(path, 'utf8');
      this.current = readFlagsFile(this.lastText);
    } catch {
      // no file yet: every flag is off
    }
  }

  get(): Readonly<Flags> {
    return this.current;
  }

  start(): this {
    if (!this.timer) {
      this.timer = setInterval(() => void this.refresh(), this.pollMs);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async refresh(): Promise<void> {
    try {
      const text = await readFile(this.path, 'utf8');
      if (text === this.lastText) return;
      this.lastText = text;
      this.current = readFlagsFile(text);
    } catch {
      // missing or half-written file: keep the last good value
    }
  }

  /** Merges an already-validated patch and persists it before returning the new set. */
  async update(patch: Partial<Flags>): Promise<Flags> {
    await this.refresh();
    const next = { ...this.current, ...patch };
    const text = `${JSON.stringify(next, null, 2)}\n`;
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, text);
    await rename(temp, this.path);
    this.lastText = text;
    this.current = next;
    return next;
  }
}
