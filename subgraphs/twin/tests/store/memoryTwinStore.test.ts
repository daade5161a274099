import { uniqueName } from '@bst/testing';
import { createMemoryTwinStore } from '../../src/store/index.ts';
import { describeTwinStoreContract } from './twinStoreContract.ts';

describeTwinStoreContract(
  'memory',
  (options) => createMemoryTwinStore(options),
  () => uniqueName('twin_store'),
);
