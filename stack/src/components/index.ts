// The supervised back ends, in start order (the collector last: it writes to the others; Kafka
// after it, as the shop's event bus, which no other back end needs).
import { StackError } from '../errors.ts';
import { collector } from './collector.ts';
import { STACK_COMPONENTS, type ComponentSpec, type StackComponent } from './component.ts';
import { jaeger } from './jaeger.ts';
import { kafka } from './kafka.ts';
import { prometheus } from './prometheus.ts';
import { victorialogs } from './victorialogs.ts';

export { STACK_COMPONENTS, type ComponentSpec, type StackComponent } from './component.ts';

export const COMPONENTS: Readonly<Record<StackComponent, ComponentSpec>> = { prometheus, victorialogs, jaeger, collector, kafka };

/**
 * The named components; without names, every one, less Kafka when the settings leave it out
 * (`SHOPSCOPE_STACK_KAFKA=off`: test stacks whose shop sends no events skip the JVM's start).
 */
export function componentsNamed(names: readonly string[] | undefined, withKafka = true): ComponentSpec[] {
  if (!names || names.length === 0) return STACK_COMPONENTS.filter((name) => withKafka || name !== 'kafka').map((name) => COMPONENTS[name]);
  return names.map((name) => {
    if (!(STACK_COMPONENTS as readonly string[]).includes(name)) {
      throw new StackError('SHOPSCOPE_ERR_UNKNOWN_COMPONENT', `unknown component "${name}" (known: ${STACK_COMPONENTS.join(', ')})`);
    }
    return COMPONENTS[name as StackComponent];
  });
}
