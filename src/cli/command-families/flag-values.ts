// The parsed flags as a command's options: typed, checked (whole numbers, durations, shards), and
// absent where not given, so a command's defaults stay its own.

import { UsageError } from '../../errors.js';
import type { Shard } from '../../engine/shard.js';
import type { Invocation } from '../spec.js';

type FlagValue = Invocation['values'][string];

export const str = (v: FlagValue): string | undefined => (typeof v === 'string' ? v : undefined);
export const list = (v: FlagValue): string[] => (Array.isArray(v) ? v : []);
export const flag = (v: FlagValue): boolean => v === true;

/** `{ key: value }` when the flag was given, `{}` when not. */
export const opt = <K extends string>(key: K, v: string | undefined): { [P in K]?: string } =>
  v === undefined ? {} : ({ [key]: v } as { [P in K]?: string });

export function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number of at least 1 (got "${value}")`);
  return n;
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** A duration in seconds: `90` (seconds), `500ms`, `5s`, `2m`, `1h`, `1m30s`; 0 or more. */
export function duration(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const bad = () => new UsageError(`--${name} must be a duration such as 30, 5s, 2m or 1m30s, 0 or more (got "${value}")`);
  if (text === '') throw bad();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) throw bad();
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return total;
}

/** `--lock-timeout`, in seconds: 0 (refuse at once) when not given. */
export const lockTimeout = (v: Invocation['values']): number => duration('lock-timeout', str(v['lock-timeout'])) ?? 0;

/** `--max-wait`, as the option commands take, absent when not given. */
export function maxWait(v: Invocation['values']): { maxWaitSeconds?: number } {
  const seconds = duration('max-wait', str(v['max-wait']));
  return seconds === undefined ? {} : { maxWaitSeconds: seconds };
}

/** `--shard K/N`, parsed (the parser is loaded only when the flag is given). */
export async function shardOf(value: string | undefined): Promise<{ shard?: Shard }> {
  if (value === undefined) return {};
  return { shard: (await import('../../engine/shard.js')).parseShard(value) };
}
