import { buildDashboard } from './buildDashboard.ts';

// `npm run build -w @bst/dashboard`: the page into dist/, for a gateway started with DASHBOARD_DIR (`npm start` builds it itself).
const startedAt = Date.now();
const { dir, files } = await buildDashboard();
console.log(`[dashboard] built ${files.length} files into ${dir} in ${Date.now() - startedAt} ms`);
