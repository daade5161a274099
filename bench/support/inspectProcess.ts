// A benchmark's view into another Node process started with `--inspect=127.0.0.1:<port>`: a full GC before reading
// its heap, heap snapshots and CPU profiles, with no code for it in the process measured.
import { readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';

export interface InspectedProcess {
  /** A full garbage collection, then the V8 heap in use and the resident set (bytes). */
  memoryAfterGc(): Promise<{ heapBytes: number; rssBytes: number }>;
  /** Writes a .heapsnapshot (open in Chrome DevTools → Memory). */
  writeHeapSnapshot(path: string): Promise<void>;
  startCpuProfile(): Promise<void>;
  /** Writes the .cpuprofile recorded since startCpuProfile. */
  stopCpuProfile(path: string): Promise<void>;
  close(): Promise<void>;
}

function residentBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

export async function inspectProcess(port: number, pid: number): Promise<InspectedProcess> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 0 });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 1;
  const replies = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  const chunks: string[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as {
      id?: number;
      method?: string;
      params?: { chunk?: string };
      result?: unknown;
      error?: { message: string };
    };
    if (message.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(message.params?.chunk ?? '');
    if (message.id === undefined) return;
    const reply = replies.get(message.id);
    replies.delete(message.id);
    if (message.error) reply?.reject(new Error(message.error.message));
    else reply?.resolve(message.result);
  });
  const call = <T = unknown>(method: string, params: Record<string, unknown> = {}) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      replies.set(id, { resolve: resolve as (result: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  return {
    async memoryAfterGc() {
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const heap = await call<{ usedSize: number }>('Runtime.getHeapUsage');
      return { heapBytes: heap.usedSize, rssBytes: residentBytes(pid) };
    },
    async writeHeapSnapshot(path) {
      chunks.length = 0;
      await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      writeFileSync(path, chunks.join(''));
      chunks.length = 0;
    },
    async startCpuProfile() {
      await call('Profiler.enable');
      await call('Profiler.start');
    },
    async stopCpuProfile(path) {
      const { profile } = await call<{ profile: unknown }>('Profiler.stop');
      writeFileSync(path, JSON.stringify(profile));
    },
    async close() {
      socket.close();
      await new Promise((resolve) => socket.once('close', resolve));
    },
  };
}
