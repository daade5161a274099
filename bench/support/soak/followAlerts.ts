// An alert client as the dashboard is one: it subscribes to alertEvents through a gateway and, whenever it is cut off
// (the gateway restarts, the twin loses Redis), it comes back with the last cursor it got (`after:` over graphql-ws,
// `Last-Event-ID` over SSE) until the soak ends.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { openSseStream } from '../sseStream.ts';

const overWebSocket = `subscription Soak($after: String) {
  alertEvents(after: $after) { cursor transition at alert { id kind container { code } } }
}`;
const overSse = 'subscription Soak { alertEvents { transition at alert { id kind container { code } } } }';

/** One alert event as a client got it: its cursor, and what identifies it whatever partition positions the cursor holds. */
export interface ReceivedAlertEvent {
  cursor: string;
  alertId: string;
  /** `alertId transition at(ms)`. */
  key: string;
}

interface AlertEventData {
  cursor?: string;
  transition: string;
  at: string;
  alert: { id: string };
}

export const alertEventKey = (alertId: string, transition: string, atMs: number) => `${alertId} ${transition} ${atMs}`;
const received = (cursor: string, event: AlertEventData): ReceivedAlertEvent => ({
  cursor,
  alertId: event.alert.id,
  key: alertEventKey(event.alert.id, event.transition, Date.parse(event.at)),
});

export interface AlertFollower {
  name: string;
  /** Every event in the order it arrived (duplicates kept: the check counts them). */
  events: ReceivedAlertEvent[];
  /** How many times it was cut off and resumed. */
  resumes: number;
  /** Why it was cut off, each time (deduplicated messages with counts). */
  cutOffs: Map<string, number>;
  last(): string;
  stop(): Promise<void>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function reason(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && 'reason' in error)
    return `close ${String(error.code)} ${String(error.reason)}`;
  // A WebSocket that could not connect reports an ErrorEvent.
  if (error && typeof error === 'object' && 'type' in error && error.type === 'error')
    return `socket error ${'message' in error ? String(error.message) : ''}`.trim();
  if (Array.isArray(error)) return JSON.stringify(error).slice(0, 200);
  return error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200);
}

function follower(name: string, start: string) {
  const state: AlertFollower & { stopped: boolean } = {
    name,
    events: [],
    resumes: -1,
    cutOffs: new Map(),
    stopped: false,
    last: () => state.events.at(-1)?.cursor ?? start,
    stop: async () => {},
  };
  const cutOff = (why: string) => state.cutOffs.set(why, (state.cutOffs.get(why) ?? 0) + 1);
  return { state, cutOff };
}

/** A graphql-ws client through the gateway at `url`, from the cursor `start`, resuming with `after:`. */
export function followOverWebSocket(name: string, url: string, token: () => Promise<string>, start: string) {
  const { state, cutOff } = follower(name, start);
  let dispose: (() => Promise<void>) | null = null;
  const run = (async () => {
    while (!state.stopped) {
      state.resumes++;
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: async () => ({ authorization: `Bearer ${await token()}` }),
      });
      dispose = async () => {
        await client.dispose();
      };
      await new Promise<void>((resolve) => {
        client.subscribe(
          { query: overWebSocket, variables: { after: state.last() } },
          {
            next: (result) => {
              const event = (result.data as { alertEvents?: AlertEventData } | null | undefined)?.alertEvents;
              if (event?.cursor) state.events.push(received(event.cursor, event));
              else cutOff(`error result ${reason(result.errors)}`);
            },
            error: (error) => {
              cutOff(reason(error));
              resolve();
            },
            complete: () => {
              cutOff('complete');
              resolve();
            },
          },
        );
      });
      await client.dispose();
      if (!state.stopped) await pause(1000);
    }
  })();
  state.stop = async () => {
    state.stopped = true;
    await dispose?.();
    await run;
  };
  return state as AlertFollower;
}

/** An SSE client through the gateway at `url`, resuming with `Last-Event-ID` (the event ids are the cursors). */
export function followOverSse(name: string, url: string, token: () => Promise<string>, start: string) {
  const { state, cutOff } = follower(name, start);
  let close: (() => Promise<void>) | null = null;
  const run = (async () => {
    while (!state.stopped) {
      state.resumes++;
      try {
        const stream = await openSseStream(url, await token(), { query: overSse }, state.last());
        close = stream.close;
        let seen = 0;
        const drain = () => {
          for (; seen < stream.events.length; seen++) {
            const event = stream.events[seen];
            const data = event?.data.data as { alertEvents?: AlertEventData } | null | undefined;
            if (event?.id && data?.alertEvents) state.events.push(received(event.id, data.alertEvents));
            else cutOff(`error event ${reason(event?.data.errors)}`);
          }
        };
        let ended = false;
        void stream.ended.then(() => {
          ended = true;
        });
        while (!ended && !state.stopped) {
          drain();
          await pause(50);
        }
        drain();
        if (!state.stopped) cutOff('stream ended');
      } catch (error) {
        cutOff(reason(error));
      }
      if (!state.stopped) await pause(1000);
    }
  })();
  state.stop = async () => {
    state.stopped = true;
    await close?.();
    await run;
  };
  return state as AlertFollower;
}
