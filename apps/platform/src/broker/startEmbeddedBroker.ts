import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBrokerOptions {
  /** Default 1884, so it never collides with a system Mosquitto on 1883; 0 picks a free port. */
  port?: number;
  host?: string;
  onError?: (error: Error) => void;
}

export interface EmbeddedBroker {
  /** e.g. mqtt://127.0.0.1:1884 */
  url: string;
  port: number;
  broker: Aedes;
  /** Closes every client connection and the listener; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * An in-process MQTT 3.1.1 broker (aedes, in-memory persistence) for `npm start`: QoS 1, retained messages and
 * persistent sessions (clean=false keeps subscriptions and queues QoS 1 messages while the client is away).
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? ((error: Error) => console.error(`[mqtt] ${error.message}`));
  const broker = await Aedes.createBroker();
  // A client that drops its socket is normal (devices come and go); only errors the broker cannot explain are logged.
  broker.on('connectionError', (_client, error) => {
    if (!isDisconnect(error)) onError(error);
  });
  broker.on('clientError', (_client, error) => {
    if (!isDisconnect(error)) onError(error);
  });

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((listening, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 1884, host, () => {
      server.off('error', fail);
      listening();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 1884);

  let stopping: Promise<void> | undefined;
  return {
    url: `mqtt://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    broker,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
      })();
      return stopping;
    },
  };
}

function isDisconnect(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'connection closed';
}
