/**
 * An operation's cost as a function of its variables: `constant + Σ size(variable) × times`. Measured once per
 * document; evaluated per request against that request's variables (a page size given by a variable is counted as
 * given, else as the variable's default, else as the argument's default, else as the assumed list size).
 */
export interface CostExpression {
  constant: number;
  /** Keyed by variable name and fallback, so that a fragment spread many times adds up instead of piling up. */
  terms: Map<string, { variable: string; fallback: number; times: CostExpression }>;
}

/** A list's size: known from the document, or given by a variable at request time. */
export type ListSize = { fixed: number } | { variable: string; fallback: number };

export const zeroCost = (): CostExpression => ({ constant: 0, terms: new Map() });

export function constantCost(value: number): CostExpression {
  return { constant: value, terms: new Map() };
}

export function addCost(a: CostExpression, b: CostExpression): CostExpression {
  if (b.terms.size === 0 && a.terms.size === 0) return constantCost(a.constant + b.constant);
  const terms = new Map(a.terms);
  for (const [key, term] of b.terms) {
    const known = terms.get(key);
    terms.set(key, known ? { ...known, times: addCost(known.times, term.times) } : term);
  }
  return { constant: a.constant + b.constant, terms };
}

export function scaleCost(expression: CostExpression, factor: number): CostExpression {
  if (factor === 1) return expression;
  const terms = new Map<string, { variable: string; fallback: number; times: CostExpression }>();
  for (const [key, term] of expression.terms) terms.set(key, { ...term, times: scaleCost(term.times, factor) });
  return { constant: expression.constant * factor, terms };
}

/** The cost of `size` items, each costing `each`. */
export function timesSize(size: ListSize, each: CostExpression): CostExpression {
  if ('fixed' in size) return scaleCost(each, size.fixed);
  const terms = new Map([[`${size.variable}\u0000${size.fallback}`, { ...size, times: each }]]);
  return { constant: 0, terms };
}

/** The size a request gives a variable: a number as given (at least 1), anything else the fallback. */
function sizeOf(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(1, Math.floor(value)) : fallback;
}

export function evaluateCost(expression: CostExpression, variables: Record<string, unknown>): number {
  let total = expression.constant;
  for (const term of expression.terms.values()) {
    total += sizeOf(variables[term.variable], term.fallback) * evaluateCost(term.times, variables);
  }
  return total;
}
