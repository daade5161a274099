import { defineProject } from 'vitest/config';
import { inProcess } from '../../vitest.groups.ts';

export default defineProject({ test: { ...inProcess, name: 'service-kit', include: ['tests/**/*.test.ts'] } });
