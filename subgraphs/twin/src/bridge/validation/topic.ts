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

/** Topics already judged, per prefix: a fleet publishes on each of its topics again and again. */
const judged = new Map<string, Map<string, DeviceTopic | null>>();
/** Bounds what a flood of made-up topics can hold: the cache starts again when it is full. */
const maxJudgedTopics = 100_000;

/** `{prefix}/{telemetry|updates}/{box|sample}/{code}` (the original's topics), else null; the result is frozen. */
export function parseDeviceTopic(topic: string, prefix: string): Readonly<DeviceTopic> | null {
  let topics = judged.get(prefix);
  if (!topics) {
    topics = new Map();
    judged.set(prefix, topics);
  }
  const known = topics.get(topic);
  if (known !== undefined) return known;
  if (topics.size >= maxJudgedTopics) topics.clear();
  const parsed = judge(topic, prefix);
  topics.set(topic, parsed);
  return parsed;
}

function judge(topic: string, prefix: string): Readonly<DeviceTopic> | null {
  if (!topic.startsWith(`${prefix}/`)) return null;
  const parts = topic.slice(prefix.length + 1).split('/');
  if (parts.length !== 3) return null;
  const [family, kind, code] = parts as [string, string, string];
  if (family !== 'telemetry' && family !== 'updates') return null;
  const entityType = entityTypeBySegment[kind];
  if (!entityType || !entityCodePattern.test(code)) return null;
  return Object.freeze({ family, entityType, code });
}

export function deviceTopic(prefix: string, family: TopicFamily, entityType: EntityType, code: string): string {
  return `${prefix}/${family}/${entityType === 'CONTAINER' ? 'box' : 'sample'}/${code}`;
}
