// What every board shares: tags, time range, refresh, the cursor shared between panels, and a
// menu of the other boards (Grafana lists every dashboard tagged `shopscope`).
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** `variables`: the board's variables, in the order Grafana shows them. */
export function newBoard(
  uid: string,
  title: string,
  description: string,
  variables: cog.Builder<dashboard.VariableModel>[] = [],
): dashboard.DashboardBuilder {
  const board = new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['shopscope'])
    .editable()
    .timezone('browser')
    .time({ from: 'now-15m', to: 'now' })
    .refresh('10s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(
      new dashboard.DashboardLinkBuilder('shopscope boards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['shopscope'])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(false),
    );
  for (const variable of variables) board.withVariable(variable);
  return board;
}
