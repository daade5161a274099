import { badUserInput } from '@bst/subgraph-kit';

const codePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** External ids (BOX-0001, SAMPLE-0001, SHP-2025-001) travel in MQTT topics, so they stay topic-safe. */
export function checkCode(field: string, value: string): string {
  if (!codePattern.test(value)) {
    throw badUserInput(
      field,
      `${field} must be 1-64 letters, digits, '-', '_', '.', ':' (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

export function checkText(field: string, value: string, max = 200): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) throw badUserInput(field, `${field} must be 1-${max} characters`);
  return trimmed;
}
