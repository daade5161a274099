import { availableParallelism } from 'node:os';

// Vitest's default on a 2-core machine (CI) is one worker for everything. Projects whose files run in this process
// (pure code, the machine's Postgres and Redis) go first with two workers or more: one file's waits overlap another's
// work. Projects whose files start their own stacks of processes (services, the platform, Chromium) follow one file at
// a time, so no start or timing deadline competes with another stack for the same cores.
export const inProcess = { maxWorkers: Math.max(2, availableParallelism() - 1), sequence: { groupOrder: 0 } };
export const spawnsProcesses = { maxWorkers: 1, sequence: { groupOrder: 1 } };
