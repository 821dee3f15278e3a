// What every board shares: tags, time range, refresh, the cursor shared between panels, and a
// menu of the other boards (Grafana lists every dashboard tagged `shopscope`).
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

export function newBoard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['shopscope'])
    .editable()
    .timezone('browser')
    .time({ from: 'now-15m', to: 'now' })
    .refresh('10s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(new dashboard.DashboardLinkBuilder('shopscope boards').type(dashboard.DashboardLinkType.Dashboards).tags(['shopscope']).asDropdown(true).keepTime(true).includeVars(false));
}
