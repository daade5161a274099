import { conflict } from '@bst/subgraph-kit';
import type { GraphQLError } from 'graphql';

interface PostgresLikeError {
  code?: string;
  constraint?: string;
  constraint_name?: string;
  cause?: unknown;
}

/** Finds the Postgres error under Drizzle's wrapper (postgres.js and PGlite name the constraint differently). */
function postgresError(error: unknown): PostgresLikeError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const candidate = current as PostgresLikeError;
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/**
 * Turns a unique violation into CONFLICT naming the field (`fields` maps constraint names to input fields),
 * so duplicates are caught by the database rather than by a racy pre-check; anything else is rethrown.
 */
export function rethrowConstraintViolation(error: unknown, fields: Record<string, string>): never {
  const pg = postgresError(error);
  if (pg?.code === '23505') {
    const constraint = pg.constraint_name ?? pg.constraint ?? '';
    const field = fields[constraint] ?? Object.values(fields)[0] ?? 'input';
    throw conflict(field, `Another record already has this ${field.split('.').pop()}`) as GraphQLError;
  }
  throw error;
}
