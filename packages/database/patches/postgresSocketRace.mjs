// postgres.js 3.4.9 crashes the process when Postgres restarts under load: a write deferred with setImmediate runs after
// the connection closed and calls `null.write` (uncatchable), and its teardown leaves the deferred-write timer set, so
// the connection never flushes a small write again (porsager/postgres#1154, #1208, PR #1209; LanternOps/breeze#3225).
// Until a release has the fix, `npm install` applies the upstream guard: a write on a closed connection rejects its
// query with CONNECTION_CLOSED instead, and teardown forgets the timer. Idempotent; fails loudly if the code moved.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const marker = '/* bst: socket race guard */';
let root = dirname(createRequire(import.meta.url).resolve('postgres'));
// The package's own directory (cjs/ has a package.json of its own).
while (
  JSON.parse(existsSync(join(root, 'package.json')) ? readFileSync(join(root, 'package.json'), 'utf8') : '{}').name !==
  'postgres'
) {
  root = dirname(root);
}
const replacements = [
  [
    '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `  function nextWrite(fn) {\n    ${marker} if (!socket) { chunk = nextWriteTimer = null; error(Errors.connection('CONNECTION_CLOSED', options)); return false }\n    const x = socket.write(chunk, fn)`,
  ],
  [
    '    clearImmediate(nextWriteTimer)\n    if (socket) {',
    '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {',
  ],
  [
    '    remaining = 0\n    incomings = null\n    clearImmediate(nextWriteTimer)\n',
    '    remaining = 0\n    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n',
  ],
];

for (const file of ['src/connection.js', 'cjs/src/connection.js']) {
  const path = join(root, file);
  if (!existsSync(path)) continue;
  let code = readFileSync(path, 'utf8');
  if (code.includes(marker)) continue;
  for (const [from, to] of replacements) {
    if (!code.includes(from)) {
      console.error(`postgres.js socket race guard: ${path} changed, check whether the upstream fix shipped`);
      process.exit(1);
    }
    code = code.replace(from, to);
  }
  writeFileSync(path, code);
}
