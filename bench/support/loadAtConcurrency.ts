import http from 'node:http';

export interface LoadRun {
  requests: number;
  seconds: number;
  /** Every request's time from sending to the last byte of its answer, in ms. */
  latenciesMs: number[];
  /** Answers that were not 200 or carried GraphQL errors (the run is void if any). */
  failures: number;
  firstFailure?: string;
}

export interface LoadOptions {
  url: string;
  body: string;
  headers?: Record<string, string>;
  concurrency: number;
  durationMs: number;
}

/**
 * `concurrency` clients, each sending the same POST again as soon as the previous one is answered, for `durationMs`,
 * over keep-alive connections (one each): closed-loop load, so requests/s is what the server sustains.
 */
export async function loadAtConcurrency(options: LoadOptions): Promise<LoadRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const target = new URL(options.url);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(options.body)),
    ...options.headers,
  };
  const latenciesMs: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const sentAt = performance.now();
      const request = http.request(target, { method: 'POST', headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          latenciesMs.push(performance.now() - sentAt);
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200 || text.includes('"errors"')) {
            failures++;
            firstFailure ??= `${response.statusCode}: ${text.slice(0, 500)}`;
          }
          resolve();
        });
      });
      request.on('error', reject);
      request.end(options.body);
    });
  const startedAt = performance.now();
  const endAt = startedAt + options.durationMs;
  const client = async () => {
    while (performance.now() < endAt) await post();
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, client));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    requests: latenciesMs.length,
    seconds,
    latenciesMs,
    failures,
    ...(firstFailure ? { firstFailure } : {}),
  };
}
