// Seam: the pure DingTalk rules (cloudfunctions/core/dingtalk-rules.ts) — group and player ids, token and roster freshness, roster merge, session tokens.
import {
  groupIdOf,
  groupRefOf,
  issueSessionToken,
  mergeRoster,
  namesToFetch,
  playerIdOf,
  ROSTER_MAX_AGE_MS,
  rosterFresh,
  TOKEN_REFRESH_MARGIN_MS,
  tokenUsable,
  verifySessionToken,
} from '../../cloudfunctions/core/dingtalk-rules'
import { memberKey } from '../../cloudfunctions/core/member-key'
import type { RankingPage, RankingRow } from '../../shared/contract'

const SALT = 'rules-salt-0123456789'
const CORP = 'dingcorp'

describe('group ids', () => {
  test('round-trip both kinds of DingTalk group id, with +, / and = in them', () => {
    for (const ref of [
      { kind: 'scene' as const, openConversationId: 'cid6KeBBL+/5x7EeiodoA==' },
      { kind: 'chat' as const, chatId: 'chate39f540d0123456789abcdef' },
    ]) {
      const id = groupIdOf(ref)
      expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
      expect(groupRefOf(id!)).toEqual(ref)
    }
  })

  test('an id too long for the store is refused; foreign ids are not DingTalk groups', () => {
    expect(groupIdOf({ kind: 'chat', chatId: 'x'.repeat(60) })).toBeNull()
    expect(groupRefOf('opengid-of-wechat')).toBeNull()
    expect(groupRefOf('ddo_')).toBeNull()
  })
})

describe('freshness', () => {
  test('a token is used until the refresh margin before its expiry', () => {
    const cached = { token: 't', expiresAt: 10_000_000 }
    expect(tokenUsable(null, 0)).toBe(false)
    expect(tokenUsable(cached, cached.expiresAt - TOKEN_REFRESH_MARGIN_MS - 1)).toBe(true)
    expect(tokenUsable(cached, cached.expiresAt - TOKEN_REFRESH_MARGIN_MS)).toBe(false)
  })

  test('a roster answers membership for a few minutes only', () => {
    const roster = { name: 'g', ownerUserId: null, userIds: ['a'], fetchedAt: 1000 }
    expect(rosterFresh(roster, 1000 + ROSTER_MAX_AGE_MS - 1)).toBe(true)
    expect(rosterFresh(roster, 1000 + ROSTER_MAX_AGE_MS)).toBe(false)
  })
})

describe('mergeRoster', () => {
  const groupId = groupIdOf({ kind: 'scene', openConversationId: 'cidRoster==' })!
  const key = (userId: string) => memberKey(SALT, groupId, playerIdOf(CORP, userId))
  const row = (userId: string, rank: number, score: number): RankingRow => ({
    rank,
    memberKey: key(userId),
    nickname: userId,
    avatarUrl: null,
    score,
    isMe: false,
  })
  const page = (rows: RankingRow[], nextCursor: string | null): RankingPage => ({
    groupId,
    period: 'all',
    rows,
    nextCursor,
    me: null,
    scoredCount: rows.length,
    memberCount: rows.length,
  })
  const roster = ['a', 'b', 'c', 'd'].map((userId) => ({ userId, name: `name-${userId}` }))

  test('appends members without a score after the scored rows of the last page', () => {
    const merged = mergeRoster(page([row('b', 1, 50)], null), {
      roster,
      scoredKeys: new Set([key('b')]),
      salt: SALT,
      corpId: CORP,
      callerUserId: 'c',
    })
    expect(merged.rows.map((r) => [r.nickname, r.rank, r.played ?? true, r.isMe])).toEqual([
      ['b', 1, true, false],
      ['name-a', 2, false, false],
      ['name-c', 2, false, true],
      ['name-d', 2, false, false],
    ])
    expect(merged.memberCount).toBe(4)
  })

  test('adds nothing to a page that is not the last, and skips members scored on earlier pages', () => {
    const first = mergeRoster(page([row('b', 1, 50)], 'next'), {
      roster,
      scoredKeys: new Set(),
      salt: SALT,
      corpId: CORP,
      callerUserId: 'a',
    })
    expect(first.rows).toHaveLength(1)
    const last = mergeRoster(page([row('a', 2, 10)], null), {
      roster,
      scoredKeys: new Set([key('a'), key('b')]),
      salt: SALT,
      corpId: CORP,
      callerUserId: 'a',
    })
    expect(last.rows.map((r) => r.nickname)).toEqual(['a', 'name-c', 'name-d'])
  })

  test('drops scored rows of people no longer in the roster', () => {
    const merged = mergeRoster(page([row('gone', 1, 99), row('a', 2, 10)], null), {
      roster,
      scoredKeys: new Set([key('gone'), key('a')]),
      salt: SALT,
      corpId: CORP,
      callerUserId: 'a',
    })
    expect(merged.rows.map((r) => r.nickname)).toEqual(['a', 'name-b', 'name-c', 'name-d'])
  })
})

describe('session tokens', () => {
  const secret = 'session-secret-0123456789-0123456789'
  const claims = { corpId: CORP, userId: 'u1', expiresAt: 5000 }

  test('verify what was issued, until it expires', () => {
    const token = issueSessionToken(secret, claims)
    expect(verifySessionToken(secret, token, 4999)).toEqual(claims)
    expect(verifySessionToken(secret, token, 5000)).toBeNull()
  })

  test('refuse another secret, a changed payload or a malformed token', () => {
    const token = issueSessionToken(secret, claims)
    const [, signature] = token.split('.')
    const forged = Buffer.from(JSON.stringify({ c: CORP, u: 'u2', e: 5000 })).toString('base64url')
    expect(verifySessionToken('another-secret-0123456789-0123456789', token, 0)).toBeNull()
    expect(verifySessionToken(secret, `${forged}.${signature}`, 0)).toBeNull()
    for (const bad of ['', 'a', 'a.b.c', `${token}.x`]) {
      expect(verifySessionToken(secret, bad, 0)).toBeNull()
    }
  })
})

describe('names to read', () => {
  test('the first unknown ones in order, each once, at most the limit', () => {
    const known = new Set(['b', 'd'])
    const order = ['owner', 'me', 'a', 'b', 'me', 'c', 'd', 'e', 'f']
    expect(namesToFetch(order, (id) => known.has(id), 4)).toEqual(['owner', 'me', 'a', 'c'])
    expect(namesToFetch(order, () => true, 4)).toEqual([])
    expect(namesToFetch(['x', 'x', 'y'], () => false)).toEqual(['x', 'y'])
  })
})
