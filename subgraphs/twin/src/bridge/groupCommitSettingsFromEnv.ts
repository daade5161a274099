export interface GroupCommitSettings {
  receiveMaximum?: number;
  groupCommit: { maxBatch?: number; maxInFlight?: number };
}

function integer(env: NodeJS.ProcessEnv, name: string, max: number): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > max) {
    throw new Error(`${name} must be an integer from 1 to ${max}, got "${value}"`);
  }
  return parsed;
}

/**
 * BRIDGE_RECEIVE_MAXIMUM (MQTT 5 receive maximum, ≤ 65535), BRIDGE_COMMIT_MAX_BATCH and BRIDGE_COMMITS_IN_FLIGHT;
 * unset means the defaults of `startBridge`. Throws naming the variable that is malformed.
 */
export function groupCommitSettingsFromEnv(env: NodeJS.ProcessEnv): GroupCommitSettings {
  const receiveMaximum = integer(env, 'BRIDGE_RECEIVE_MAXIMUM', 65_535);
  const maxBatch = integer(env, 'BRIDGE_COMMIT_MAX_BATCH', 10_000);
  const maxInFlight = integer(env, 'BRIDGE_COMMITS_IN_FLIGHT', 1000);
  return {
    ...(receiveMaximum === undefined ? {} : { receiveMaximum }),
    groupCommit: {
      ...(maxBatch === undefined ? {} : { maxBatch }),
      ...(maxInFlight === undefined ? {} : { maxInFlight }),
    },
  };
}
