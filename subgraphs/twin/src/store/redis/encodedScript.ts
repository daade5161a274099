import { createHash } from 'node:crypto';
import { Command } from 'ioredis';
import type { RedisClient } from './connectRedis.ts';

const crlf = 0x0d0a;

/**
 * `*{n}\r\n` then `${bytes}\r\n{arg}\r\n` per argument (RESP), written straight into one buffer: ioredis would build a
 * string of four pieces per argument and flatten it on write, which for a group commit of thousands of arguments cost
 * more than the Lua script it sends.
 */
function encodeCommand(parts: readonly string[], args: readonly string[]): Buffer {
  const count = parts.length + args.length;
  const lengths = new Array<number>(count);
  let size = 16;
  for (let i = 0; i < count; i++) {
    const bytes = Buffer.byteLength(i < parts.length ? (parts[i] as string) : (args[i - parts.length] as string));
    lengths[i] = bytes;
    size += bytes + 16;
  }
  const buffer = Buffer.allocUnsafe(size);
  let offset = buffer.write(`*${count}\r\n`, 0, 'latin1');
  for (let i = 0; i < count; i++) {
    offset += buffer.write(`$${lengths[i]}\r\n`, offset, 'latin1');
    offset += buffer.write(i < parts.length ? (parts[i] as string) : (args[i - parts.length] as string), offset);
    offset = buffer.writeUInt16BE(crlf, offset);
  }
  return buffer.subarray(0, offset);
}

/** A command whose bytes are ready: ioredis still routes it by its key (Cluster) and parses the reply. */
class EncodedCommand extends Command {
  constructor(
    name: string,
    routing: string[],
    private readonly encoded: Buffer,
  ) {
    super(name, routing, { replyEncoding: 'utf8' });
  }

  override toWritable(): Buffer {
    return this.encoded;
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.includes('NOSCRIPT');
}

/**
 * A Lua script with one key, called with many string arguments: EVALSHA encoded in one buffer, EVAL when the server
 * does not have the script yet (then it has it). For the scripts whose calls carry thousands of arguments.
 */
export function encodedScript(
  redis: RedisClient,
  lua: string,
): (key: string, args: readonly string[]) => Promise<unknown> {
  const sha = createHash('sha1').update(lua).digest('hex');
  const send = (name: 'evalsha' | 'eval', key: string, args: readonly string[]) => {
    const head = [name, name === 'eval' ? lua : sha, '1', key];
    const command = new EncodedCommand(name, head.slice(1), encodeCommand(head, args));
    redis.sendCommand(command);
    return command.promise as Promise<unknown>;
  };
  return async (key, args) => {
    try {
      return await send('evalsha', key, args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return send('eval', key, args);
    }
  };
}
