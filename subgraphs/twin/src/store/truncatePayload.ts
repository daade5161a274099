import { defaultStoreOptions } from './TwinStore.ts';

/** A dead letter keeps the start of the payload as text, enough to see what a device sent, never a whole 1 MiB body. */
export function truncatePayload(payload: Uint8Array): { payload: string; payloadBytes: number } {
  const head = Buffer.from(
    payload.buffer,
    payload.byteOffset,
    Math.min(payload.byteLength, defaultStoreOptions.deadLetterPayloadChars * 4),
  );
  return {
    payload: head.toString('utf8').slice(0, defaultStoreOptions.deadLetterPayloadChars),
    payloadBytes: payload.byteLength,
  };
}
