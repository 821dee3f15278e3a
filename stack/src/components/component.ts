// What the supervisor needs to know about one back end.
import type { BuildComponent } from '../build/recipe.ts';
import type { StackSettings } from '../settings.ts';

export const STACK_COMPONENTS = ['prometheus', 'victorialogs', 'jaeger', 'collector', 'kafka'] as const;
export type StackComponent = (typeof STACK_COMPONENTS)[number];

export interface LaunchPlan {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the supervisor's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface HealthCheck {
  /** An HTTP URL, or `kafka://host:port` for a broker (it must answer an ApiVersions request). */
  readonly url: string;
  /** Which HTTP statuses mean "up"; default: 200 only. */
  readonly accepts?: (status: number) => boolean;
}

export interface ComponentSpec {
  readonly name: StackComponent;
  readonly title: string;
  readonly build: BuildComponent;
  /** Every port the process binds, by purpose. */
  ports(settings: StackSettings): Readonly<Record<string, number>>;
  /** The address a person or test talks to. */
  url(settings: StackSettings): string;
  /** Renders the config into `dataDir` and says how to start the process. */
  prepare(settings: StackSettings, dataDir: string, binary: string): LaunchPlan;
  health(settings: StackSettings): readonly HealthCheck[];
}
