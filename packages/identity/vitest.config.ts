import { defineProject } from 'vitest/config';
import { inProcess } from '../../vitest.groups.ts';

export default defineProject({ test: { ...inProcess, name: 'identity', include: ['tests/**/*.test.ts'] } });
