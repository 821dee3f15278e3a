import { describe, expect, it } from 'vitest';
import { groupMessage, threadReply, type GroupNotice, type NoticeAlert } from '../../src/receivers/message.ts';
import { cut, SLACK_LIMITS } from '../../src/receivers/slack-format.ts';

const alert = (labels: Record<string, string>, annotations: Record<string, string> = {}): NoticeAlert => ({
  fingerprint: 'f',
  labels: { alertname: 'HighErrorRatio', ...labels },
  annotations,
  value: 0.5,
  activeAt: Date.parse('2026-01-01T00:00:00Z'),
});
const notice = (firing: NoticeAlert[], extra: Partial<GroupNotice> = {}): GroupNotice => ({
  reason: 'firing',
  groupKey: 'g',
  groupLabels: { alertname: 'HighErrorRatio', service: firing[0]?.labels.service ?? '' },
  receiver: 'oncall',
  firing,
  resolved: [],
  at: Date.parse('2026-01-01T00:05:00Z'),
  ...extra,
});
const allText = (m: { text: string; blocks: unknown[] }) => JSON.stringify(m);

// Values from telemetry are text, never Slack markup: no mention, no rewritten link, no broken page.
describe('Slack messages', () => {
  const hostile = alert(
    { service: '<!channel>', severity: 'page', route: '<http://evil.example|click here> & more' },
    {
      summary: '<!here> checkout <@U123> is <http://evil.example|down>',
      runbook_url: 'https://runbooks.example/x',
      dashboard_url: 'http://grafana/d?var-service=<!channel>|evil>',
    },
  );

  it('escapes label and annotation values everywhere: text, header, fields, sections, context, replies', () => {
    const page = groupMessage(notice([hostile]));
    const reply = threadReply({ ...notice([hostile]), reason: 'repeat' });
    for (const m of [page, reply]) {
      const text = allText(m);
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<!here>');
      expect(text).not.toContain('<@U123>');
      expect(text).not.toContain('<http://evil.example|');
      expect(text).toContain('&lt;!channel&gt;');
    }
    expect(page.text).toBe(
      '[FIRING:1] HighErrorRatio (service=&lt;!channel&gt;) — &lt;!here&gt; checkout &lt;@U123&gt; is &lt;http://evil.example|down&gt;',
    );
    const section = JSON.stringify(page.blocks[2]);
    expect(section).toContain('&lt;http://evil.example|click here&gt; &amp; more');
    // the link stays one link to the dashboard, its label value percent-encoded
    expect(section).toContain('<http://grafana/d?var-service=%3C!channel%3E%7Cevil%3E|Dashboard>');
    expect(section).toContain('<https://runbooks.example/x|Runbook>');
  });

  it("cuts every Block Kit field to Slack's limits, whatever the label sizes", () => {
    const huge = 'x'.repeat(60_000);
    const alerts = Array.from({ length: 30 }, (_, i) =>
      alert(
        { service: `${huge}${i}`, severity: huge, team: '&'.repeat(5000) },
        { summary: huge, runbook_url: `https://r.example/${huge}` },
      ),
    );
    const page = groupMessage(
      notice(alerts, { groupLabels: { alertname: 'HighErrorRatio', service: huge, team: '<'.repeat(20_000) }, receiver: huge }),
    );
    expect(page.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(page.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of page.blocks as Array<{
      type: string;
      text?: { text: string };
      fields?: Array<{ text: string }>;
      elements?: Array<{ text: string }>;
    }>) {
      if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const e of b.elements ?? []) expect(e.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
    }
    const reply = threadReply({ ...notice(alerts), reason: 'repeat' });
    expect(JSON.stringify(reply.blocks[0]).length).toBeLessThan(SLACK_LIMITS.sectionText + 100);
  });

  it('never cuts inside an entity, a link or a surrogate pair', () => {
    expect(cut('abc&amp;def', 6)).toBe('abc…');
    expect(cut('see <https://x.example/runbook|Runbook> now', 20)).toBe('see …');
    expect(cut('ab😀cd', 4)).toBe('ab…');
    expect(cut('short', 10)).toBe('short');
  });
});
