import { defineProject } from 'vitest/config';
import { inProcess } from '../../vitest.groups.ts';

export default defineProject({ test: { ...inProcess, name: 'coldchain', include: ['tests/**/*.test.ts'] } });
