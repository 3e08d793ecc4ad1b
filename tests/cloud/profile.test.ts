// Seam: updateProfile and getProfile through router.handle on SQLite (nickname/avatar rules).
import { createRouterHarness, type RouterHarness } from './support/router-harness'

const LOCAL_PREFIX = 'http://127.0.0.1:8787/files/'

describe('profiles', () => {
  let h: RouterHarness

  beforeEach(() => {
    h = createRouterHarness({ localFileUrlPrefixes: [LOCAL_PREFIX] })
  })

  afterEach(() => h.close())

  it('trims the nickname and counts characters, not UTF-16 units', async () => {
    const emoji = '😀'.repeat(20)

    const trimmed = await h.expectOk('alice', 'updateProfile', { nickname: '  Alice  ' })
    const twentyEmoji = await h.expectOk('alice', 'updateProfile', { nickname: emoji })

    expect(trimmed).toEqual({ nickname: 'Alice', avatarUrl: null })
    expect(twentyEmoji.nickname).toBe(emoji)
    expect(await h.expectOk('alice', 'getProfile')).toEqual({ nickname: emoji, avatarUrl: null })
  })

  it('normalises what others will see: NFC, invisible controls removed, spaces collapsed', async () => {
    const cases: Array<[string, string]> = [
      ['A\u200Bli\u202Ece\uFEFF', 'Alice'],
      ['Cafe\u0301', 'Caf\u00E9'],
      ['小\u3000\u3000林  \t 跑团', '小 林 跑团'],
      ['\u3164小林\u00AD', '小林'],
      ['👨\u200D👩\u200D👧', '👨\u200D👩\u200D👧'],
    ]

    for (const [typed, stored] of cases) {
      const result = await h.expectOk('alice', 'updateProfile', { nickname: typed })
      expect(result.nickname).toBe(stored)
    }
  })

  it('applies fields independently and clears with null', async () => {
    await h.expectOk('alice', 'updateProfile', {
      nickname: 'Al',
      avatarUrl: 'cloud://prod-1a2b.7072-prod-1a2b-1300/avatars/alice.png',
    })

    const cleared = await h.expectOk('alice', 'updateProfile', { nickname: null })

    expect(cleared).toEqual({
      nickname: null,
      avatarUrl: 'cloud://prod-1a2b.7072-prod-1a2b-1300/avatars/alice.png',
    })
  })

  it('accepts a file of the configured local stand-in server', async () => {
    const result = await h.expectOk('alice', 'updateProfile', {
      avatarUrl: `${LOCAL_PREFIX}alice/avatar-1.png`,
    })

    expect(result.avatarUrl).toBe(`${LOCAL_PREFIX}alice/avatar-1.png`)
  })

  it.each([
    ['a nickname of 21 characters', { nickname: 'x'.repeat(21) }],
    ['a blank nickname', { nickname: '   ' }],
    ['a nickname with a newline', { nickname: 'a\nb' }],
    ['a nickname of zero-width spaces', { nickname: '\u200B\u200B\u200B' }],
    ['a nickname of Hangul fillers', { nickname: '\u3164\u3164' }],
    ['a nickname of byte-order marks and soft hyphens', { nickname: '\uFEFF\u00AD\uFEFF' }],
    ['a nickname of bidi controls only', { nickname: '\u202E\u2066\u200F\u061C' }],
    [
      'a nickname of ideographic spaces and a zero-width joiner',
      { nickname: '\u3000\u200D\u3000' },
    ],
    ['a nickname with a lone surrogate', { nickname: 'a\uD800b' }],
    ['a huge nickname', { nickname: 'x'.repeat(100_000) }],
    ['a nickname that is a number', { nickname: 42 }],
    ['an arbitrary web avatar', { avatarUrl: 'https://evil.example/a.png' }],
    ['a local avatar outside the file prefix', { avatarUrl: 'http://127.0.0.1:8787/admin' }],
    ['a local avatar escaping the prefix', { avatarUrl: `${LOCAL_PREFIX}../secret` }],
    ['an avatar of another port', { avatarUrl: 'http://127.0.0.1:9999/files/a.png' }],
    ['a javascript: avatar', { avatarUrl: 'javascript:alert(1)' }],
    ['an overlong cloud file id', { avatarUrl: `cloud://env.b/${'a'.repeat(600)}` }],
    ['nothing to update', {}],
  ])('refuses %s and writes nothing', async (_name, input) => {
    await h.expectOk('alice', 'updateProfile', { nickname: 'Before' })
    const before = h.snapshot()

    const result = await h.call('alice', 'updateProfile', input)

    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(h.snapshot()).toEqual(before)
  })

  it('shows the profile on ranking rows', async () => {
    await h.enter('alice', 'G1')
    await h.expectOk('alice', 'updateProfile', { nickname: 'Alice' })
    await h.play('alice', 3)

    const page = await h.expectOk('alice', 'getRanking', { groupId: 'G1' })

    expect(page.rows[0]).toMatchObject({ nickname: 'Alice', avatarUrl: null, isMe: true })
  })

  it('refuses a local stand-in avatar when no local prefix is configured (production)', async () => {
    const production = createRouterHarness()

    const result = await production.call('alice', 'updateProfile', {
      avatarUrl: `${LOCAL_PREFIX}a.png`,
    })

    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    production.close()
  })
})
