import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Alert } from '../pipeline/alert.ts';
import type { Silence } from '../pipeline/silence.ts';

export type DeliveryKind = 'post' | 'update' | 'reply';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface NotificationLogEntry {
  groupKey: string;
  receiver: string;
  firing: string[];
  resolved: string[];
  lastSentAt: number;
  threadId: number;
}

export interface Thread {
  id: number;
  groupKey: string;
  receiver: string;
  channel: string;
  channelId: string | null;
  ts: string | null;
  closed: boolean;
  createdAt: number;
}

export interface Delivery {
  id: number;
  threadId: number;
  receiver: string;
  channel: string;
  kind: DeliveryKind;
  /** Why this message: firing (first page), update (alerts joined or left), repeat, resolved. */
  reason: 'firing' | 'update' | 'repeat' | 'resolved';
  payload: unknown;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  sentAt: number | null;
  ts: string | null;
  lastError: string | null;
  undeliverableSince: number | null;
  groupKey: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (rule_key TEXT NOT NULL, fingerprint TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (rule_key, fingerprint));
CREATE TABLE IF NOT EXISTS silences (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nflog (group_key TEXT NOT NULL, receiver TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (group_key, receiver));
CREATE TABLE IF NOT EXISTS threads (id INTEGER PRIMARY KEY AUTOINCREMENT, group_key TEXT NOT NULL, receiver TEXT NOT NULL, channel TEXT NOT NULL, channel_id TEXT, ts TEXT, closed INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER NOT NULL, receiver TEXT NOT NULL, channel TEXT NOT NULL,
  kind TEXT NOT NULL, reason TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL, created_at INTEGER NOT NULL, sent_at INTEGER, ts TEXT, last_error TEXT,
  undeliverable_since INTEGER, group_key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries (status, channel, id);
`;

interface DeliveryRow {
  id: number;
  thread_id: number;
  receiver: string;
  channel: string;
  kind: DeliveryKind;
  reason: Delivery['reason'];
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
  ts: string | null;
  last_error: string | null;
  undeliverable_since: number | null;
  group_key: string;
}

/** Whether an error came from the database (disk full, I/O, locked, corrupt) rather than from the caller. */
export function isStoreError(err: unknown): boolean {
  return err instanceof Database.SqliteError || /^SQLITE_/.test(String((err as { code?: unknown })?.code ?? ''));
}

function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    threadId: r.thread_id,
    receiver: r.receiver,
    channel: r.channel,
    kind: r.kind,
    reason: r.reason,
    payload: JSON.parse(r.payload),
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    ts: r.ts,
    lastError: r.last_error,
    undeliverableSince: r.undeliverable_since,
    groupKey: r.group_key,
  };
}

/**
 * Everything the evaluator must not forget across a restart, in one SQLite file. Each change is
 * committed before the evaluator acts on it (WAL, synchronous=FULL), so `kill -9` at any point
 * leaves a state the next start can continue from.
 */
export class StateStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // alerts
  replaceRuleAlerts(ruleKey: string, alerts: Iterable<Alert>): void {
    this.db.prepare('DELETE FROM alerts WHERE rule_key = ?').run(ruleKey);
    const insert = this.db.prepare('INSERT INTO alerts (rule_key, fingerprint, body) VALUES (?, ?, ?)');
    for (const a of alerts) insert.run(ruleKey, a.fingerprint, JSON.stringify(a));
  }

  loadAlerts(): Map<string, Alert[]> {
    const out = new Map<string, Alert[]>();
    for (const row of this.db.prepare('SELECT rule_key, body FROM alerts').all() as Array<{ rule_key: string; body: string }>) {
      const list = out.get(row.rule_key) ?? [];
      list.push(JSON.parse(row.body) as Alert);
      out.set(row.rule_key, list);
    }
    return out;
  }

  deleteAlertsExcept(ruleKeys: ReadonlySet<string>): void {
    for (const row of this.db.prepare('SELECT DISTINCT rule_key FROM alerts').all() as Array<{ rule_key: string }>) {
      if (!ruleKeys.has(row.rule_key)) this.db.prepare('DELETE FROM alerts WHERE rule_key = ?').run(row.rule_key);
    }
  }

  // silences
  putSilence(s: Silence): void {
    this.db.prepare('INSERT OR REPLACE INTO silences (id, body) VALUES (?, ?)').run(s.id, JSON.stringify(s));
  }
  listSilences(): Silence[] {
    return (this.db.prepare('SELECT body FROM silences').all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Silence);
  }

  // notification log
  getNflog(groupKey: string, receiver: string): NotificationLogEntry | undefined {
    const row = this.db.prepare('SELECT body FROM nflog WHERE group_key = ? AND receiver = ?').get(groupKey, receiver) as
      { body: string } | undefined;
    return row ? (JSON.parse(row.body) as NotificationLogEntry) : undefined;
  }
  putNflog(e: NotificationLogEntry): void {
    this.db
      .prepare('INSERT OR REPLACE INTO nflog (group_key, receiver, body) VALUES (?, ?, ?)')
      .run(e.groupKey, e.receiver, JSON.stringify(e));
  }
  deleteNflog(groupKey: string, receiver: string): void {
    this.db.prepare('DELETE FROM nflog WHERE group_key = ? AND receiver = ?').run(groupKey, receiver);
  }

  // threads: one chat message per alert group and the replies under it
  createThread(groupKey: string, receiver: string, channel: string, now: number): number {
    return Number(
      this.db
        .prepare('INSERT INTO threads (group_key, receiver, channel, created_at) VALUES (?, ?, ?, ?)')
        .run(groupKey, receiver, channel, now).lastInsertRowid,
    );
  }
  getThread(id: number): Thread | undefined {
    const r = this.db.prepare('SELECT * FROM threads WHERE id = ?').get(id) as
      | {
          id: number;
          group_key: string;
          receiver: string;
          channel: string;
          channel_id: string | null;
          ts: string | null;
          closed: number;
          created_at: number;
        }
      | undefined;
    return (
      r && {
        id: r.id,
        groupKey: r.group_key,
        receiver: r.receiver,
        channel: r.channel,
        channelId: r.channel_id,
        ts: r.ts,
        closed: r.closed === 1,
        createdAt: r.created_at,
      }
    );
  }
  setThreadMessage(id: number, ts: string, channelId: string | null): void {
    this.db.prepare('UPDATE threads SET ts = ?, channel_id = ? WHERE id = ?').run(ts, channelId, id);
  }
  closeThread(id: number): void {
    this.db.prepare('UPDATE threads SET closed = 1 WHERE id = ?').run(id);
  }

  // deliveries: the outbox
  enqueueDelivery(d: Omit<Delivery, 'id' | 'status' | 'attempts' | 'sentAt' | 'ts' | 'lastError' | 'undeliverableSince'>): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO deliveries (thread_id, receiver, channel, kind, reason, payload, status, next_attempt_at, created_at, group_key)
      VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
        )
        .run(d.threadId, d.receiver, d.channel, d.kind, d.reason, JSON.stringify(d.payload), d.nextAttemptAt, d.createdAt, d.groupKey)
        .lastInsertRowid,
    );
  }
  /** The oldest open delivery of each channel: a channel's messages go out in order. */
  headsOfChannels(): Delivery[] {
    return (
      this.db
        .prepare(
          `SELECT d.* FROM deliveries d JOIN (SELECT channel, receiver, MIN(id) AS id FROM deliveries WHERE status IN ('pending','sending') GROUP BY channel) h ON d.id = h.id`,
        )
        .all() as DeliveryRow[]
    ).map(toDelivery);
  }
  markSending(id: number): void {
    this.db.prepare(`UPDATE deliveries SET status = 'sending', attempts = attempts + 1 WHERE id = ?`).run(id);
  }
  markSent(id: number, ts: string | null, now: number): void {
    this.db.prepare(`UPDATE deliveries SET status = 'sent', ts = ?, sent_at = ?, last_error = NULL WHERE id = ?`).run(ts, now, id);
  }
  /**
   * Schedules another attempt. `mayHaveArrived` keeps the status `sending`: the last attempt ended
   * without a clear answer (timeout, 5xx), so the next one first looks for the message.
   */
  markRetry(id: number, nextAttemptAt: number, error: string, undeliverableSince: number | null, mayHaveArrived = false): void {
    this.db
      .prepare(
        `UPDATE deliveries SET status = ?, next_attempt_at = ?, last_error = ?, undeliverable_since = COALESCE(undeliverable_since, ?) WHERE id = ?`,
      )
      .run(mayHaveArrived ? 'sending' : 'pending', nextAttemptAt, error, undeliverableSince, id);
  }
  markFailed(id: number, error: string, now: number): void {
    this.db
      .prepare(
        `UPDATE deliveries SET status = 'failed', last_error = ?, undeliverable_since = COALESCE(undeliverable_since, ?) WHERE id = ?`,
      )
      .run(error, now, id);
  }
  /** Forgets finished messages and closed threads older than `before`; open ones are never pruned. */
  prune(before: number): number {
    return this.transaction(() => {
      const removed = this.db.prepare(`DELETE FROM deliveries WHERE status IN ('sent','failed') AND created_at < ?`).run(before).changes;
      this.db
        .prepare(`DELETE FROM threads WHERE closed = 1 AND created_at < ? AND id NOT IN (SELECT thread_id FROM deliveries)`)
        .run(before);
      this.db.prepare("DELETE FROM silences WHERE json_extract(body, '$.endsAt') < ?").run(before);
      return removed;
    });
  }

  listDeliveries(limit = 1000): Delivery[] {
    return (this.db.prepare('SELECT * FROM deliveries ORDER BY id DESC LIMIT ?').all(limit) as DeliveryRow[]).map(toDelivery);
  }
  countDeliveries(): Record<DeliveryStatus | 'undeliverable', number> {
    const counts = { pending: 0, sending: 0, sent: 0, failed: 0, undeliverable: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all() as Array<{
      status: DeliveryStatus;
      n: number;
    }>)
      counts[r.status] = r.n;
    counts.undeliverable = (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE undeliverable_since IS NOT NULL AND status IN ('pending','sending','failed')`)
        .get() as { n: number }
    ).n;
    return counts;
  }
}
