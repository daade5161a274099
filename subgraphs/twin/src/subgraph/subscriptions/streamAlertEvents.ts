import { alertState } from '@bst/coldchain';
import { badUserInput, cursorExpired } from '@bst/subgraph-kit';
import { GraphQLError } from 'graphql';
import {
  type AlertEventRecord,
  type AlertFilter,
  alertEventMatches,
  CursorExpiredError,
  type CursoredAlertEvent,
  InvalidCursorError,
  type StoredAlert,
  type TwinStore,
} from '../../store/index.ts';

/** What ends a stream early, handed to the field's resolver to raise: the client sees it as the stream's last result. */
export class AlertStreamFailure {
  constructor(readonly error: GraphQLError) {}
}

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof CursorExpiredError) return cursorExpired('after', error.message);
  if (error instanceof InvalidCursorError) return badUserInput('after', error.message);
  if (error instanceof GraphQLError) return error;
  return new GraphQLError('the alert stream failed', {
    originalError: error instanceof Error ? error : new Error(String(error)),
  });
}

/** A transition that left no record (WITHDRAWN, or an alert never raised here): the event's own fields, ended. */
export function alertWithoutRecord(event: AlertEventRecord): StoredAlert {
  const endedAt = event.transition === 'WITHDRAWN' ? event.at : null;
  return {
    id: event.alertId,
    entityType: event.entityType,
    code: event.code,
    kind: event.kind,
    severity: event.severity,
    state: alertState(endedAt, null),
    startedAt: event.startedAt,
    endedAt,
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    peakValue: event.peakValue ?? null,
    message: event.message,
  };
}

/**
 * The store's follower behind a GraphQL subscription: replay after `after`, then live, each event with the record it
 * left (no store read per event). A failure mid-stream (a cursor trimmed away while replaying, the store gone) becomes
 * the stream's last item instead of a thrown error, which graphql-ws would answer by closing the whole socket.
 */
export async function streamAlertEvents(
  store: Pick<TwinStore, 'followAlertEvents'>,
  filters: AlertFilter[],
  after: string | null | undefined,
): Promise<AsyncIterableIterator<CursoredAlertEvent | AlertStreamFailure>> {
  let follower: Awaited<ReturnType<TwinStore['followAlertEvents']>>;
  try {
    follower = await store.followAlertEvents({
      ...(after === null || after === undefined ? {} : { after }),
      // Several filters (containers and samples) are matched here; one is left to the store.
      ...(filters.length === 1 ? { filter: filters[0] } : {}),
    });
  } catch (error) {
    throw asGraphQLError(error);
  }
  const matches = (item: CursoredAlertEvent) =>
    filters.length <= 1 || filters.some((filter) => alertEventMatches(item.event, item.alert, filter));
  let failed = false;
  const iterator: AsyncIterableIterator<CursoredAlertEvent | AlertStreamFailure> = {
    async next() {
      if (failed) return { done: true, value: undefined };
      try {
        for (;;) {
          const step = await follower.next();
          if (step.done || matches(step.value)) return step;
        }
      } catch (error) {
        failed = true;
        await follower.return();
        return { done: false, value: new AlertStreamFailure(asGraphQLError(error)) };
      }
    },
    return: () => follower.return(),
    async throw(error?: unknown) {
      await follower.return();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
