/**
 * Slack's text rules in one place. Label and annotation values come from telemetry (any OTLP
 * sender picks its service name), so every one is escaped before it enters mrkdwn, and every
 * Block Kit field is cut to Slack's limits: a page must never be refused for its formatting.
 */

/** Slack's documented limits (Block Kit reference, chat.postMessage). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  /** Top-level `text` of chat.postMessage / chat.update: Slack truncates past it. */
  messageText: 40_000,
} as const;

/** `&`, `<`, `>` as HTML entities, Slack's escaping: `<!channel>` or `<http://x|y>` stay literal text. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A URL fit for `<url|label>`: characters that would end or split the link are percent-encoded. */
export function linkUrl(url: string): string {
  return url.replace(/[|<>\s"]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');
}

/**
 * Cuts text (already escaped mrkdwn, or plain text) to `max` characters with an ellipsis, without
 * leaving half an entity (`&am`), half a link (`<http://x|Ru`) or half a surrogate pair behind.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let s = text.slice(0, max - 1);
  s = s.replace(/&[a-z]{0,4}$/, '');
  const open = s.lastIndexOf('<');
  if (open > s.lastIndexOf('>')) s = s.slice(0, open);
  if (/[\uD800-\uDBFF]$/.test(s)) s = s.slice(0, -1);
  return `${s}…`;
}

interface TextObject {
  type?: string;
  text?: string;
}
interface Block {
  type?: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: TextObject[];
}

/** Applies every limit to a message: the last guard before Slack, whatever built the blocks. */
export function fitToSlack(message: { text: string; blocks: unknown[] }): { text: string; blocks: unknown[] } {
  const fitText = (t: TextObject | undefined, max: number): TextObject | undefined =>
    t && typeof t.text === 'string' ? { ...t, text: cut(t.text, max) } : t;
  const blocks = (message.blocks as Block[]).slice(0, SLACK_LIMITS.blocks).map((b): Block => {
    switch (b.type) {
      case 'header':
        return { ...b, text: fitText(b.text, SLACK_LIMITS.headerText) };
      case 'section':
        return {
          ...b,
          ...(b.text ? { text: fitText(b.text, SLACK_LIMITS.sectionText) } : {}),
          ...(b.fields
            ? { fields: b.fields.slice(0, SLACK_LIMITS.fields).map((f) => fitText(f, SLACK_LIMITS.fieldText) as TextObject) }
            : {}),
        };
      case 'context':
        return {
          ...b,
          elements: (b.elements ?? [])
            .slice(0, SLACK_LIMITS.contextElements)
            .map((e) => fitText(e, SLACK_LIMITS.contextText) as TextObject),
        };
      default:
        return b;
    }
  });
  return { text: cut(message.text, SLACK_LIMITS.messageText), blocks };
}

/**
 * The whole message as one mrkdwn text, for when Slack refuses the blocks (`invalid_blocks`):
 * the page goes out without layout rather than not at all.
 */
export function plainTextOf(message: { text: string; blocks: unknown[] }): string {
  const parts = [message.text];
  for (const b of message.blocks as Block[]) {
    if (b.type === 'header') continue; // the top-level text already says it
    if (b.text?.text) parts.push(b.text.text);
    for (const f of b.fields ?? []) if (f.text) parts.push(f.text);
    for (const e of b.elements ?? []) if (e.text) parts.push(e.text);
  }
  return cut(parts.join('\n'), SLACK_LIMITS.messageText);
}
