import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from '@bst/testing';
import { afterAll } from 'vitest';
import { createMemoryTwinStore } from '../../src/store/index.ts';
import { describeTwinStoreContract } from './twinStoreContract.ts';

describeTwinStoreContract({
  adapter: 'memory',
  createStore: (options) => createMemoryTwinStore(options),
  uniquePrefix: () => uniqueName('twin_store'),
  durable: false,
});

// Kept on disk, the same prefix reopens the same directory: the store must then behave as durably as Redis.
const root = mkdtempSync(join(tmpdir(), 'bst-twin-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeTwinStoreContract({
  adapter: 'memory on disk',
  createStore: (options) => createMemoryTwinStore({ ...options, dataDir: join(root, options.prefix) }),
  uniquePrefix: () => uniqueName('twin_store'),
  durable: true,
});
