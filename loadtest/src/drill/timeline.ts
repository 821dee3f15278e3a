// The moments of a drill, in the order they happened.
export type TimelineKind =
  | 'drill started'
  | 'steady state held'
  | 'steady state broken'
  | 'load on'
  | 'fault on'
  | 'alert pending'
  | 'alert firing'
  | 'page sent'
  | 'fault off'
  | 'resolved'
  | 'load off'
  | 'steady state again'
  | 'drill ended';

export interface TimelineEvent {
  kind: TimelineKind;
  atMs: number;
  detail?: string;
}
