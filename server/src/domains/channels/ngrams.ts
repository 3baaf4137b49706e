/**
 * Search terms for FerretDB and MongoDB alike (no text indexes): each message stores the bigrams of its
 * Chinese runs and its lowercase Latin/digit words in an indexed array; a query's terms must all be
 * present (`$all`), then the text itself is checked so that bigrams scattered apart do not match.
 */

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]/;
const WORD = /[\p{L}\p{N}]/u;

interface Run {
  cjk: boolean;
  text: string;
}

function runs(input: string): Run[] {
  const out: Run[] = [];
  let current: Run | null = null;
  for (const ch of input.normalize('NFKC').toLowerCase()) {
    const cjk = CJK.test(ch);
    const word = cjk || WORD.test(ch);
    if (!word) {
      current = null;
      continue;
    }
    if (!current || current.cjk !== cjk) {
      current = { cjk, text: '' };
      out.push(current);
    }
    current.text += ch;
  }
  return out;
}

function termsOfRun(run: Run): string[] {
  if (!run.cjk) return [run.text];
  const chars = [...run.text];
  if (chars.length === 1) return [run.text];
  const grams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) grams.push(chars[i]! + chars[i + 1]!);
  return grams;
}

/** Terms to store with a message (deduplicated, capped so one huge message stays a small document). */
export function indexTerms(text: string, max = 2000): string[] {
  const set = new Set<string>();
  for (const run of runs(text)) {
    for (const term of termsOfRun(run)) {
      if (term.length > 64) continue;
      set.add(term);
      if (set.size >= max) return [...set];
    }
    // Single CJK characters are stored too, so that a one-character query finds something.
    if (run.cjk) for (const ch of run.text) set.add(ch);
  }
  return [...set];
}

export interface ParsedQuery {
  /** Terms every match must have (for `$all`). */
  terms: string[];
  /** Normalized pieces that must appear in the normalized text, in any order. */
  needles: string[];
}

export function parseQuery(q: string): ParsedQuery {
  const pieces = runs(q);
  const terms = new Set<string>();
  for (const run of pieces) for (const t of termsOfRun(run)) terms.add(t);
  return { terms: [...terms], needles: pieces.map((r) => r.text) };
}

/** Lowercase NFKC form of the text with a map back to the original offsets. */
function normalizedWithMap(text: string): { norm: string; map: number[] } {
  let norm = '';
  const map: number[] = [];
  let offset = 0;
  for (const ch of text) {
    const n = ch.normalize('NFKC').toLowerCase();
    for (let i = 0; i < n.length; i++) map.push(offset);
    norm += n;
    offset += ch.length;
  }
  map.push(offset);
  return { norm, map };
}

/**
 * Where the query's pieces occur in the text, as [start, end) offsets into the original text; null when
 * some piece does not occur (a false positive of the term index).
 */
export function highlight(text: string, query: ParsedQuery): Array<[number, number]> | null {
  if (query.needles.length === 0) return null;
  const { norm, map } = normalizedWithMap(text);
  const ranges: Array<[number, number]> = [];
  for (const needle of query.needles) {
    let from = 0;
    let found = false;
    for (;;) {
      const at = norm.indexOf(needle, from);
      if (at < 0) break;
      // A Latin word matches whole words only (the index holds whole words).
      const latin = !CJK.test(needle[0] ?? '');
      const before = norm[at - 1];
      const after = norm[at + needle.length];
      const bounded =
        !latin ||
        ((!before || !WORD.test(before) || CJK.test(before)) &&
          (!after || !WORD.test(after) || CJK.test(after)));
      if (bounded) {
        ranges.push([map[at]!, map[at + needle.length]!]);
        found = true;
      }
      from = at + Math.max(1, needle.length);
    }
    if (!found) return null;
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}
