// "Did you mean": the closest known word to a misspelled one, by edit distance.

/** The known word nearest to `word`, when it is near enough to be a likely typo. */
export function closest(word: string, known: readonly string[], maxDistance?: number): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  const limit = maxDistance ?? (best === undefined ? 0 : Math.max(2, Math.floor(best.length / 3)));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** Levenshtein distance; long inputs are never close (hostile input stays cheap). */
export function distance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}
