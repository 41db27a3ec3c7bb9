// "Did you mean": the nearest known word to a mistyped one (commands, flags, config fields, vendors).

/** Edit distance with adjacent transpositions (optimal string alignment), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The nearest of `candidates` to `word`, when it is near enough to be a typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = c.toLowerCase() === w ? 0 : distance(w, c.toLowerCase());
    if (!best || d < best.d) best = { c, d };
  }
  if (!best) return undefined;
  const limit = Math.max(1, Math.min(3, Math.ceil(Math.max(w.length, best.c.length) / 3)));
  if (best.d <= limit) return best.c;
  const prefix = candidates.filter((c) => c.startsWith(w) || (w.length >= 3 && w.startsWith(c)));
  return prefix.length === 1 ? prefix[0] : undefined;
}

/** Up to `n` of `candidates` nearest to `given` (case ignored), for "did you mean" lists. */
export function nearestFew(given: string, candidates: Iterable<string>, n = 3): string[] {
  const g = given.toLowerCase();
  return [...new Set(candidates)]
    .map((c) => ({ c, d: distance(g, c.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, n)
    .map((x) => x.c);
}

/** `: did you mean \`--guess\`?` for a message, when a candidate is near enough; '' when none is. */
export function didYouMean(word: string, candidates: readonly string[], prefix = ''): string {
  const guess = nearest(word, candidates);
  return guess ? `: did you mean \`${prefix}${guess}\`?` : '';
}
