// The table of every panel's queries and what each returned: printed by the tests and the
// preview, and written beside the pictures.
import { emptyUnless, type PanelOutcome } from './run-board.ts';

const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

export function panelTable(outcomes: PanelOutcome[], skipped: Map<PanelOutcome, string> = new Map()): string {
  const lines = ['| dashboard | panel | query | rows | data |', '|---|---|---|---|---|'];
  for (const outcome of outcomes) {
    for (const q of outcome.queries) {
      const reason = skipped.get(outcome);
      const condition = emptyUnless(outcome.panel);
      const data = reason
        ? `skipped: ${reason}`
        : q.error
          ? `error: ${q.error}`
          : q.rows > 0
            ? 'yes'
            : condition
              ? `no (empty unless ${condition})`
              : 'no';
      lines.push(`| ${cell(outcome.board.title)} | ${cell(outcome.panel.title)} | \`${cell(q.query)}\` | ${q.rows} | ${cell(data)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
