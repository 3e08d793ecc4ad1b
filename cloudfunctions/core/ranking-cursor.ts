import { ID_PATTERN } from '../../shared/action-schemas'
import { isMemberKey } from './member-key'
import { isPeriodKey } from './periods'
import type { RankPosition } from './store'
import { invalid } from './validation'

/** What the next page continues after: the last row of the previous page. */
export interface RankingCursor {
  groupId: string
  periodKey: string
  /** Rank of the last row already returned; the next page starts at `rank + 1`. */
  rank: number
  after: RankPosition
}

interface CursorWire {
  v: 1
  g: string
  p: string
  r: number
  s: number
  t: number
  k: string
}

const MAX_CURSOR_LENGTH = 512

export function encodeCursor(cursor: RankingCursor): string {
  const wire: CursorWire = {
    v: 1,
    g: cursor.groupId,
    p: cursor.periodKey,
    r: cursor.rank,
    s: cursor.after.score,
    t: cursor.after.achievedAt,
    k: cursor.after.memberKey,
  }
  return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url')
}

function isBoundedInt(value: unknown, min: number): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= min &&
    value <= Number.MAX_SAFE_INTEGER
  )
}

/**
 * Decodes a cursor the client echoed back. Every field is checked, so a tampered cursor is an
 * INVALID_INPUT and never reaches a query in an unexpected shape.
 */
export function decodeCursor(value: string): RankingCursor {
  const bad = invalid('cursor is not a cursor this server issued.')
  if (value.length > MAX_CURSOR_LENGTH || !ID_PATTERN.test(value)) throw bad
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
  } catch {
    throw bad
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad
  const wire = parsed as Partial<Record<keyof CursorWire, unknown>>
  if (
    wire.v !== 1 ||
    typeof wire.g !== 'string' ||
    !isPeriodKey(wire.p) ||
    !isBoundedInt(wire.r, 1) ||
    !isBoundedInt(wire.s, 0) ||
    !isBoundedInt(wire.t, 0) ||
    typeof wire.k !== 'string' ||
    !isMemberKey(wire.k)
  ) {
    throw bad
  }
  return {
    groupId: wire.g,
    periodKey: wire.p,
    rank: wire.r,
    after: { score: wire.s, achievedAt: wire.t, memberKey: wire.k },
  }
}
