// Slack's Block Kit drawn as HTML, readably: headers, sections with their fields, context lines
// and dividers, with mrkdwn's bold, italics, code and <url|label> links.
const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function mrkdwnToHtml(text: string): string {
  // Links first, on the raw text (Slack's own escaping of <, > and & comes after).
  const parts: string[] = [];
  let rest = text;
  const link = /<((?:https?|mailto):[^|>]+)(?:\|([^>]+))?>/;
  for (let m = link.exec(rest); m; m = link.exec(rest)) {
    parts.push(inline(rest.slice(0, m.index)));
    parts.push(`<a href="${escapeHtml(m[1]!)}">${inline(m[2] ?? m[1]!)}</a>`);
    rest = rest.slice(m.index + m[0].length);
  }
  parts.push(inline(rest));
  return parts.join('').replace(/\n/g, '<br>');
}

function inline(text: string): string {
  return escapeHtml(text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1<strong>$2</strong>')
    .replace(/(^|[\s(])_([^_\n]+)_/g, '$1<em>$2</em>');
}

interface TextObject {
  type?: string;
  text?: string;
}

const textHtml = (t: TextObject | undefined): string => (!t?.text ? '' : t.type === 'mrkdwn' ? mrkdwnToHtml(t.text) : escapeHtml(t.text));

export function blocksToHtml(blocks: readonly unknown[], fallbackText: string): string {
  if (blocks.length === 0) return `<div class="slack-message"><p>${mrkdwnToHtml(fallbackText)}</p></div>`;
  const out = blocks.map((raw) => {
    const block = raw as { type?: string; text?: TextObject; fields?: TextObject[]; elements?: TextObject[] };
    switch (block.type) {
      case 'header':
        return `<h4 class="slack-header">${textHtml(block.text)}</h4>`;
      case 'section': {
        const fields = (block.fields ?? []).map((f) => `<div>${textHtml(f)}</div>`).join('');
        return `<div class="slack-section">${block.text ? `<p>${textHtml(block.text)}</p>` : ''}${fields ? `<div class="slack-fields">${fields}</div>` : ''}</div>`;
      }
      case 'context':
        return `<p class="slack-context">${(block.elements ?? []).map(textHtml).join(' · ')}</p>`;
      case 'divider':
        return '<hr>';
      default:
        return '';
    }
  });
  return `<div class="slack-message">${out.join('')}</div>`;
}

export { escapeHtml };
