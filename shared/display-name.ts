/**
 * One rule for every name a person types that others will see (nicknames, the simulator's member
 * and group names): what is stored is what the ranking can show, and a name that shows nothing is
 * refused instead of becoming an empty row.
 *
 * Pure and platform-free: the app checks a draft before sending it, the cloud function enforces it.
 */

/**
 * Invisible format characters that are removed: bidi marks, embeddings, overrides and isolates (they
 * can visually reorder a ranking row), zero-width space/non-joiner/word joiner and friends, the BOM,
 * the soft hyphen, the Mongolian vowel separator, the blank Braille pattern and the Hangul/halfwidth
 * fillers that render as blanks and are a well-known way to make an "empty" name. The zero-width joiner (U+200D) and the
 * emoji variation selector (U+FE0F) stay: emoji sequences such as 👨‍👩‍👧 are built from them.
 */
const STRIPPED =
  /[\u00AD\u061C\u115F\u1160\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u2800\u3164\uFEFF\uFFA0]/gu

/**
 * Control characters (a tab excepted, it is only a space), line/paragraph separators and lone
 * surrogates are refused, not silently removed: no nickname field produces them.
 */
const REFUSED = /[^\P{Cc}\t]|[\u2028\u2029\p{Cs}]/u

/** Every kind of space (NBSP, ideographic space, en/em spaces…) and tabs become one ASCII space. */
const SPACES = /[\p{Zs}\t]+/gu

/** Something a reader can see: a letter, digit, punctuation mark or symbol (emoji are symbols). */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u

export type DisplayNameProblem = 'control' | 'blank' | 'tooLong'

export type DisplayNameResult =
  | { ok: true; name: string }
  | { ok: false; problem: DisplayNameProblem; maxLength: number }

/**
 * Normalises (NFC, invisible format characters removed, spaces collapsed, trimmed) and checks a
 * display name. Length counts code points, as a member counts characters (an emoji is one).
 */
export function normalizeDisplayName(raw: string, maxLength: number): DisplayNameResult {
  if (REFUSED.test(raw)) return { ok: false, problem: 'control', maxLength }
  const name = raw.normalize('NFC').replace(STRIPPED, '').replace(SPACES, ' ').trim()
  if (!VISIBLE.test(name)) return { ok: false, problem: 'blank', maxLength }
  if ([...name].length > maxLength) return { ok: false, problem: 'tooLong', maxLength }
  return { ok: true, name }
}
