/**
 * Pure rules of the DingTalk platform adapter: how a DingTalk group and user map to the store's
 * group id and player id, when a cached access token or roster may still be used, who counts as a
 * member, and how the whole roster is merged into a ranking page ("未参与" after the scored rows).
 * No I/O here; the entry and the open-API adapter pass everything in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

import { GROUP_ID_MAX_LENGTH } from '../../shared/action-schemas'
import type { RankingPage, RankingRow } from '../../shared/contract'
import { memberKey } from './member-key'

/** The two ways a group reaches the server. */
export type DingTalkGroupRef =
  | { kind: 'scene'; openConversationId: string }
  | { kind: 'chat'; chatId: string }

const GROUP_PREFIX = { scene: 'ddo_', chat: 'ddc_' } as const

/**
 * The store's group id of a DingTalk group: reversible (base64url of the DingTalk id), so the
 * entry needs no table to find the group again from `getRanking`'s groupId. A forged group id
 * decodes to some DingTalk id whose roster the caller is then checked against, so reversibility
 * grants nothing; the ids are not secret to members (the entry URL carries them).
 */
export function groupIdOf(ref: DingTalkGroupRef): string | null {
  const raw = ref.kind === 'scene' ? ref.openConversationId : ref.chatId
  const id = GROUP_PREFIX[ref.kind] + Buffer.from(raw, 'utf8').toString('base64url')
  return id.length <= GROUP_ID_MAX_LENGTH ? id : null
}

export function groupRefOf(groupId: string): DingTalkGroupRef | null {
  const decode = (prefix: string) =>
    Buffer.from(groupId.slice(prefix.length), 'base64url').toString('utf8')
  if (groupId.startsWith(GROUP_PREFIX.scene)) {
    const openConversationId = decode(GROUP_PREFIX.scene)
    return openConversationId ? { kind: 'scene', openConversationId } : null
  }
  if (groupId.startsWith(GROUP_PREFIX.chat)) {
    const chatId = decode(GROUP_PREFIX.chat)
    return chatId ? { kind: 'chat', chatId } : null
  }
  return null
}

/** The store's player id (the `openid` of the WeChat build) of a DingTalk user of one corp. */
export function playerIdOf(corpId: string, userId: string): string {
  return `dd:${corpId}:${userId}`
}

/**
 * Access tokens live 7,200 s; DingTalk advises caching them and refreshing a little before
 * expiry (https://help.dingtalk.io/open/development/obtain-the-access-token-of-an-internal-app).
 */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000

export interface CachedToken {
  token: string
  /** When DingTalk said it expires (fetch time + expires_in). */
  expiresAt: number
}

export function tokenUsable(cached: CachedToken | null, now: number): cached is CachedToken {
  return cached !== null && now < cached.expiresAt - TOKEN_REFRESH_MARGIN_MS
}

/** How long a fetched roster answers membership checks before it is read again. */
export const ROSTER_MAX_AGE_MS = 3 * 60_000

export interface Roster {
  name: string
  ownerUserId: string | null
  userIds: readonly string[]
  fetchedAt: number
}

export function rosterFresh(
  roster: Roster | null,
  now: number,
  maxAgeMs = ROSTER_MAX_AGE_MS,
): boolean {
  return roster !== null && now - roster.fetchedAt < maxAgeMs
}

export function isRosterMember(roster: Roster, userId: string): boolean {
  return roster.userIds.includes(userId)
}

/** At most this many user names are read from DingTalk while answering one request. */
export const NAME_FETCHES_PER_READ = 20
/** Name reads in flight at once (DingTalk limits an app's calls per second). */
export const NAME_FETCH_CONCURRENCY = 5
/** How long a user's DingTalk name is reused; names rarely change. */
export const NAME_MAX_AGE_MS = 24 * 60 * 60_000

/**
 * Which names to read now: the first `limit` distinct userids in `ordered` (owner, caller, then
 * roster order) whose name is not `known`.
 */
export function namesToFetch(
  ordered: readonly string[],
  known: (userId: string) => boolean,
  limit = NAME_FETCHES_PER_READ,
): string[] {
  const wanted: string[] = []
  for (const userId of new Set(ordered)) {
    if (wanted.length >= limit) break
    if (!known(userId)) wanted.push(userId)
  }
  return wanted
}

/** Bounded retry of DingTalk's "system busy" (-1): delays before attempt 2, 3, … */
export const BUSY_RETRY_DELAYS_MS = [200, 800] as const

export interface RosterMember {
  userId: string
  name: string | null
}

/**
 * Appends every roster member without a score to the LAST page of a ranking (after all scored
 * rows, in roster order), marked `played: false`. Scored rows of members who are no longer in the
 * roster are dropped from view. `scoredKeys` are the member keys of every scored row of this
 * window (all pages), so a member on an earlier page is not listed again.
 */
export function mergeRoster(
  page: RankingPage,
  input: {
    roster: readonly RosterMember[]
    scoredKeys: ReadonlySet<string>
    salt: string
    corpId: string
    callerUserId: string
  },
): RankingPage {
  const { roster, scoredKeys, salt, corpId, callerUserId } = input
  const keyOf = (userId: string) => memberKey(salt, page.groupId, playerIdOf(corpId, userId))
  const rosterKeys = new Set(roster.map((member) => keyOf(member.userId)))
  const rows = page.rows.filter((row) => rosterKeys.has(row.memberKey))
  if (page.nextCursor === null) {
    const lastRank = page.rows.length > 0 ? page.rows[page.rows.length - 1]!.rank : 0
    for (const member of roster) {
      const key = keyOf(member.userId)
      if (scoredKeys.has(key)) continue
      const row: RankingRow = {
        rank: lastRank + 1,
        memberKey: key,
        nickname: member.name,
        avatarUrl: null,
        score: 0,
        isMe: member.userId === callerUserId,
        played: false,
      }
      rows.push(row)
    }
  }
  const scoredCount = roster.filter((member) => scoredKeys.has(keyOf(member.userId))).length
  return { ...page, rows, memberCount: roster.length, scoredCount }
}

/**
 * Session tokens of the DingTalk entry: `base64url(payload).base64url(hmac)`, payload
 * `{ c: corpId, u: userId, e: expiresAt }`. The free-login code is single-use and valid 5 minutes
 * (https://help.dingtalk.io/open/development/obtain-the-userid-of-a-user-by-using-the-log-free),
 * so the entry exchanges it once and answers later calls from this token.
 */
export const SESSION_TTL_MS = 2 * 60 * 60_000

export interface SessionClaims {
  corpId: string
  userId: string
  expiresAt: number
}

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url')
}

export function issueSessionToken(secret: string, claims: SessionClaims): string {
  const payload = Buffer.from(
    JSON.stringify({ c: claims.corpId, u: claims.userId, e: claims.expiresAt }),
  ).toString('base64url')
  return `${payload}.${sign(secret, payload)}`
}

export function verifySessionToken(
  secret: string,
  token: string,
  now: number,
): SessionClaims | null {
  const [payload, signature, extra] = token.split('.')
  if (!payload || !signature || extra !== undefined) return null
  const expected = Buffer.from(sign(secret, payload))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      c?: unknown
      u?: unknown
      e?: unknown
    }
    if (typeof parsed.c !== 'string' || typeof parsed.u !== 'string') return null
    if (typeof parsed.e !== 'number' || parsed.e <= now) return null
    return { corpId: parsed.c, userId: parsed.u, expiresAt: parsed.e }
  } catch {
    return null
  }
}
