import { z } from 'zod';

type Issues = z.RefinementCtx;

function refuse(ctx: Issues, raw: string, expected: string): never {
  ctx.addIssue({ code: 'custom', message: `must be ${expected}, got ${JSON.stringify(raw)}`, input: raw });
  return z.NEVER;
}

/** Whole numbers only: `abc`, `1.5` and `1e3` are refused rather than read as NaN or rounded. */
function parseInteger(raw: string, min: number, max: number, ctx: Issues): number {
  const value = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return refuse(ctx, raw, `a whole number from ${min} to ${max}`);
  }
  return value;
}

export function integer(options: { min?: number; max?: number; fallback: number }) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER, fallback } = options;
  return z
    .string()
    .optional()
    .transform((raw, ctx) => (raw === undefined ? fallback : parseInteger(raw, min, max, ctx)));
}

export function optionalInteger(options: { min?: number; max?: number } = {}) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
  return z
    .string()
    .optional()
    .transform((raw, ctx) => (raw === undefined ? undefined : parseInteger(raw, min, max, ctx)));
}

export function port(fallback: number) {
  return integer({ min: 0, max: 65_535, fallback });
}

/** An absolute URL with one of the given schemes (`redis`, `https`, ...). */
export function url(protocols: string[]) {
  return z.string().transform((raw, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return refuse(ctx, raw, `a URL (${protocols.map((p) => `${p}://`).join(' or ')})`);
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
      return refuse(ctx, raw, `a ${protocols.map((p) => `${p}://`).join(' or ')} URL`);
    }
    return raw;
  });
}

/** Secrets shorter than this are refused: a guessable shared secret is no secret. */
export const minSecretLength = 16;

export function secret() {
  return z.string().refine((raw) => raw.length >= minSecretLength, {
    message: `must be at least ${minSecretLength} characters`,
  });
}

const truthy = new Set(['1', 'true', 'yes', 'on']);
const falsy = new Set(['0', 'false', 'no', 'off']);

export function flag(fallback: boolean) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = raw.trim().toLowerCase();
      if (truthy.has(value)) return true;
      if (falsy.has(value)) return false;
      return refuse(ctx, raw, 'one of 1, 0, true, false, yes, no, on, off');
    });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T[number] => {
      if (raw === undefined) return fallback;
      if ((values as readonly string[]).includes(raw)) return raw as T[number];
      return refuse(ctx, raw, `one of ${values.join(', ')}`);
    });
}

/** Free text such as a host name, a prefix or a client id: trimmed, at most `max` characters. */
export function text(max = 256) {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    if (value.length === 0 || value.length > max) return refuse(ctx, raw, `1 to ${max} characters`);
    return value;
  });
}
