import type { ExecutionResult } from 'graphql';

const serialized = new WeakMap<ExecutionResult, string>();
const cursors = new WeakMap<ExecutionResult, string>();

/** A result's JSON, made once however many clients it goes to (what their buffers are measured in). */
export function serializeResult(result: ExecutionResult): string {
  let json = serialized.get(result);
  if (json === undefined) {
    json = JSON.stringify(result);
    serialized.set(result, json);
  }
  return json;
}

/** The cursor of the event a result was hydrated from (resumable streams): what SSE sends as the event's id. */
export function resultCursor(result: ExecutionResult): string | undefined {
  return cursors.get(result);
}

export function markResultCursor(result: ExecutionResult, cursor: string): void {
  cursors.set(result, cursor);
}
