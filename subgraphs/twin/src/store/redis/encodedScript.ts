import { createHash } from 'node:crypto';
import { Command } from 'ioredis';
import type { RedisClient } from './connectRedis.ts';

/**
 * `*{n}\r\n` then `${bytes}\r\n{arg}\r\n` per argument (RESP), as one string written into one buffer: ioredis would
 * build a string of four pieces per argument and flatten it on write, which for a group commit of thousands of
 * arguments cost more than the Lua script it sends; and one UTF-8 write of the whole took half the time of three
 * writes per argument into a buffer sized beforehand (bench/README.md, ingest).
 */
function encodeCommand(parts: readonly string[], args: readonly string[]): Buffer {
  let command = `*${parts.length + args.length}\r\n`;
  for (const part of parts) command += `$${Buffer.byteLength(part)}\r\n${part}\r\n`;
  for (const arg of args) command += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return Buffer.from(command);
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
