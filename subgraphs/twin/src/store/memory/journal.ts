import {
  closeSync,
  existsSync,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncate,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  write,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);
const ftruncateAsync = promisify(ftruncate);

export interface JournalOptions {
  /** How long an append waits for others to share its fsync. */
  flushDelayMs?: number;
  /** When the journal passes this size, the state is snapshotted and the journal emptied. */
  compactBytes?: number;
}

export interface Journal {
  /** Resolves once the record is on disk (fsync'd). After a failed write every append rejects: nothing is acknowledged that is not durable. */
  append(record: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface OpenedJournal {
  /** The last snapshot's state, null when there is none. */
  snapshot: unknown;
  /** Records written after that snapshot, in order. */
  records: unknown[];
  /** Call once the caller has restored `snapshot` and replayed `records`; compacts and returns the live journal. */
  start(snapshot: () => unknown): Journal;
}

interface SnapshotFile {
  seq: number;
  state: unknown;
}

function writeSnapshot(dir: string, seq: number, state: unknown): void {
  const path = join(dir, 'snapshot.json');
  const fd = openSync(`${path}.tmp`, 'w');
  try {
    writeFileSync(fd, JSON.stringify({ seq, state } satisfies SnapshotFile));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.tmp`, path);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/**
 * An append-only journal of the memory store's writes (`journal.ndjson`, one `{s, r}` line each) and a snapshot
 * (`snapshot.json`, the state and the last sequence number it contains). Appends are fsync'd in small batches;
 * replaying the records after the snapshot restores the state. A torn last line (a crash mid-write) is ignored.
 */
export function openJournal(dir: string, options: JournalOptions = {}): OpenedJournal {
  mkdirSync(dir, { recursive: true });
  const journalPath = join(dir, 'journal.ndjson');
  const snapshotPath = join(dir, 'snapshot.json');
  const snapshotFile = existsSync(snapshotPath)
    ? (JSON.parse(readFileSync(snapshotPath, 'utf8')) as SnapshotFile)
    : null;
  let seq = snapshotFile?.seq ?? 0;
  const records: unknown[] = [];
  if (existsSync(journalPath)) {
    const lines = readFileSync(journalPath, 'utf8').split('\n');
    for (const [i, line] of lines.entries()) {
      if (line === '') continue;
      let parsed: { s: number; r: unknown };
      try {
        parsed = JSON.parse(line) as { s: number; r: unknown };
      } catch (error) {
        if (i === lines.length - 1) break;
        throw new Error(`${journalPath}: line ${i + 1} is corrupt`, { cause: error });
      }
      if (parsed.s <= seq) continue;
      seq = parsed.s;
      records.push(parsed.r);
    }
  }

  return {
    snapshot: snapshotFile?.state ?? null,
    records,
    start(snapshot) {
      const flushDelayMs = options.flushDelayMs ?? 2;
      const compactBytes = options.compactBytes ?? 64 * 1024 * 1024;
      writeSnapshot(dir, seq, snapshot());
      const fd = openSync(journalPath, 'a');
      if (fstatSync(fd).size > 0) ftruncateSync(fd, 0);
      let bytes = 0;
      let buffer: string[] = [];
      let waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
      let timer: NodeJS.Timeout | null = null;
      let flushing: Promise<void> = Promise.resolve();
      let failure: unknown = null;
      let closed = false;

      async function flushOnce(): Promise<void> {
        timer = null;
        const lines = buffer;
        const done = waiters;
        buffer = [];
        waiters = [];
        if (lines.length === 0) return;
        try {
          if (failure) throw failure;
          const text = lines.join('');
          await writeAsync(fd, text);
          await fsyncAsync(fd);
          bytes += Buffer.byteLength(text);
          if (bytes > compactBytes) {
            writeSnapshot(dir, seq, snapshot());
            await ftruncateAsync(fd, 0);
            bytes = 0;
          }
          for (const waiter of done) waiter.resolve();
        } catch (error) {
          failure ??= error;
          for (const waiter of done) waiter.reject(error);
        }
      }

      function flush(): Promise<void> {
        flushing = flushing.then(flushOnce);
        return flushing;
      }

      return {
        append(record) {
          if (closed) return Promise.reject(new Error('the store is closed'));
          if (failure) return Promise.reject(failure);
          seq += 1;
          buffer.push(`${JSON.stringify({ s: seq, r: record })}\n`);
          const written = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
          timer ??= setTimeout(flush, flushDelayMs);
          return written;
        },
        async close() {
          if (closed) return;
          closed = true;
          if (timer) clearTimeout(timer);
          await flush();
          closeSync(fd);
        },
      };
    },
  };
}
