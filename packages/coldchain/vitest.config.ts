import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'coldchain', include: ['tests/**/*.test.ts'] } });
