export { createTestDatabase, type TestDatabase } from './createTestDatabase.ts';
export { services } from './services.ts';
export { uniqueName } from './uniqueName.ts';
