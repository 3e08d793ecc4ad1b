/**
 * Names cut to the room they have, measured as a reader sees them: a CJK character or an emoji is
 * as wide as two Latin letters. Pure and platform-free.
 *
 * The pages size everything in rpx (750 across any phone), so a card holds the same number of
 * units at every screen width: a unit budget per place is "the room the card has".
 */

/** Code points drawn double-width: East Asian Wide/Fullwidth blocks and pictographic emoji. */
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F000}-\u{1FAFF}\u{20000}-\u{3FFFD}]|\p{Extended_Pictographic}/u

/**
 * Code points that join the previous one into a single drawn character: the zero-width joiner,
 * variation selectors, skin-tone modifiers, tag characters and combining marks. Compared by number:
 * a character class of them is what ESLint rightly calls misleading.
 */
function isJoining(point: string): boolean {
  const code = point.codePointAt(0) ?? 0
  return (
    code === 0x200d ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    (code >= 0x1f3fb && code <= 0x1f3ff) ||
    (code >= 0xe0020 && code <= 0xe007f) ||
    (code >= 0x300 && code <= 0x36f)
  )
}

export const ELLIPSIS = '…'
/** The ellipsis is drawn full-width by CJK fonts. */
const ELLIPSIS_UNITS = 2

/** Splits a name into what is drawn as one character: emoji sequences stay whole. */
function clusters(name: string): string[] {
  const out: string[] = []
  let joinNext = false
  for (const point of name) {
    const last = out.length - 1
    if (last >= 0 && (joinNext || isJoining(point))) {
      out[last] += point
    } else {
      out.push(point)
    }
    joinNext = point === '\u200D'
  }
  return out
}

function clusterUnits(cluster: string): number {
  const first = String.fromCodePoint(cluster.codePointAt(0) ?? 0)
  return WIDE.test(first) ? 2 : 1
}

/** Width of a name in units (a Latin letter is 1, a CJK character or an emoji is 2). */
export function displayWidth(name: string): number {
  return clusters(name).reduce((sum, cluster) => sum + clusterUnits(cluster), 0)
}

/**
 * The name whole when it fits in `maxUnits`, otherwise as many whole characters as fit with "…"
 * after them. Never cuts inside an emoji sequence.
 */
export function fitName(name: string, maxUnits: number): string {
  if (displayWidth(name) <= maxUnits) return name
  let used = 0
  let kept = ''
  for (const cluster of clusters(name)) {
    const units = clusterUnits(cluster)
    if (used + units > maxUnits - ELLIPSIS_UNITS) break
    used += units
    kept += cluster
  }
  return `${kept}${ELLIPSIS}`
}

/**
 * Budgets in units, measured at 375 px (1 rpx = 0.5 px, text 28 rpx = 14 px, a CJK character 14 px):
 * a podium place is ≈ 103 px wide inside its padding (7 CJK characters a line, two lines), a row's
 * name ≈ 200 px (14 CJK characters). A little is kept back for proportional Latin glyphs.
 */
export const PODIUM_NAME_UNITS = 26
export const ROW_NAME_UNITS = 26
