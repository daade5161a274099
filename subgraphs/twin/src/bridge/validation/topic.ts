import type { EntityType } from '../../store/TwinStore.ts';

export type { EntityType };
export type TopicFamily = 'telemetry' | 'updates';

export interface DeviceTopic {
  family: TopicFamily;
  entityType: EntityType;
  code: string;
}

/** External ids such as BOX-0001 or SAMPLE-0001: printable, no MQTT wildcards or separators. */
export const entityCodePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const entityTypeBySegment: Record<string, EntityType> = { box: 'CONTAINER', sample: 'SAMPLE' };

/** `{prefix}/{telemetry|updates}/{box|sample}/{code}` (the original's topics), else null. */
export function parseDeviceTopic(topic: string, prefix: string): DeviceTopic | null {
  if (!topic.startsWith(`${prefix}/`)) return null;
  const parts = topic.slice(prefix.length + 1).split('/');
  if (parts.length !== 3) return null;
  const [family, kind, code] = parts as [string, string, string];
  if (family !== 'telemetry' && family !== 'updates') return null;
  const entityType = entityTypeBySegment[kind];
  if (!entityType || !entityCodePattern.test(code)) return null;
  return { family, entityType, code };
}

export function deviceTopic(prefix: string, family: TopicFamily, entityType: EntityType, code: string): string {
  return `${prefix}/${family}/${entityType === 'CONTAINER' ? 'box' : 'sample'}/${code}`;
}
