/** One SSE subscription through the gateway, read as it arrives: each `next` event's data and id (the cursor). */
export interface SseStream {
  events: { id?: string; data: { data?: Record<string, unknown> | null; errors?: unknown[] } }[];
  /** Resolves when the stream ends (the server closed it, or `close()`). */
  ended: Promise<void>;
  close(): Promise<void>;
}

export async function openSseStream(
  url: string,
  token: string,
  body: { query: string; variables?: Record<string, unknown> },
  lastEventId?: string,
): Promise<SseStream> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${token}`,
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    body: JSON.stringify(body),
  });
  if (!response.ok || !response.body) throw new Error(`SSE refused: ${response.status} ${await response.text()}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const events: SseStream['events'] = [];
  let buffer = '';
  const ended = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!/^event: next$/m.test(message)) continue;
        const id = /^id: (.*)$/m.exec(message)?.[1];
        const data = JSON.parse(/^data: (.*)$/m.exec(message)?.[1] ?? 'null');
        events.push({ ...(id === undefined ? {} : { id }), data });
      }
    }
  })();
  return {
    events,
    ended,
    async close() {
      await reader.cancel().catch(() => {});
      await ended;
    },
  };
}
