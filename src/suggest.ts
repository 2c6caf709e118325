import { distance } from "fastest-levenshtein";

/**
 * Near-miss suggestions for names a person typed (annotation keys, config-file keys), so an error
 * can say "did you mean ...?" instead of only "unknown". Comparison ignores case, `-`, `_` and `.`,
 * because those are the usual slips between `route-tables`, `routeTables` and `ROUTE_TABLES`.
 * A text helper below both the annotation parser and the config loader.
 */

/** Folds the spelling differences that never make two names genuinely different. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]/g, "");
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo: at most two
 * edits, or a third of the candidate's length for long names. Ties go to the earlier candidate,
 * so callers control the preference by ordering. Edit distances come from fastest-levenshtein;
 * a candidate whose length alone rules it out is not compared.
 */
export function suggestClosest(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = normalizeName(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const normalized = normalizeName(candidate);
    const limit = Math.max(2, Math.floor(normalized.length / 3));
    if (Math.abs(normalized.length - wanted.length) > limit) continue;
    const edits = distance(wanted, normalized);
    if (edits <= limit && edits < bestDistance) {
      best = candidate;
      bestDistance = edits;
    }
  }
  return best;
}
