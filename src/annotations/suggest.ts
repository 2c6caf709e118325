/**
 * Near-miss suggestions for names a person typed (annotation keys, config-file keys), so an error
 * can say "did you mean ...?" instead of only "unknown". Comparison ignores case, `-`, `_` and `.`,
 * because those are the usual slips between `route-tables`, `routeTables` and `ROUTE_TABLES`.
 */

/** Folds the spelling differences that never make two names genuinely different. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]/g, "");
}

/** Edit distance (insertions, deletions, substitutions), with an early exit above `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo: at most two
 * edits, or a third of the candidate's length for long names. Ties go to the earlier candidate,
 * so callers control the preference by ordering.
 */
export function suggestClosest(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalizeName(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const normalized = normalizeName(candidate);
    const limit = Math.max(2, Math.floor(normalized.length / 3));
    const distance = editDistance(wanted, normalized, limit);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
