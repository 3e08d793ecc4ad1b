// Seam: listMyGroups, leaveGroup and deleteMyData through router.handle on SQLite.
import { createRouterHarness, type RouterHarness, T0 } from './support/router-harness'

describe('my groups, leaving and deleting', () => {
  let h: RouterHarness

  beforeEach(() => {
    h = createRouterHarness()
  })

  afterEach(() => h.close())

  it('lists my groups with member count, my all-time rank and score, and join time', async () => {
    await h.enter('alice', 'G1')
    await h.enter('bob', 'G1')
    h.advance(1000)
    await h.enter('alice', 'G2')
    await h.play('bob', 90)
    await h.play('alice', 40)

    const { groups } = await h.expectOk('alice', 'listMyGroups')

    expect(groups).toEqual([
      { groupId: 'G1', memberCount: 2, myRank: 2, myScore: 40, joinedAt: T0 },
      { groupId: 'G2', memberCount: 1, myRank: 1, myScore: 40, joinedAt: T0 + 1000 },
    ])
  })

  it('leaving removes me from the ranking; re-entering brings my best back', async () => {
    await h.enter('alice', 'G1')
    await h.enter('bob', 'G1')
    await h.play('alice', 40)

    const left = await h.expectOk('alice', 'leaveGroup', { groupId: 'G1' })
    const leftAgain = await h.expectOk('alice', 'leaveGroup', { groupId: 'G1' })
    const asBob = await h.expectOk('bob', 'getRanking', { groupId: 'G1' })
    const asAlice = await h.call('alice', 'getRanking', { groupId: 'G1' })
    const back = await h.enter('alice', 'G1')

    expect([left, leftAgain]).toEqual([{ left: true }, { left: false }])
    expect(asBob).toMatchObject({ rows: [], memberCount: 1 })
    expect(asAlice).toMatchObject({ ok: false, error: { code: 'NOT_GROUP_MEMBER' } })
    expect(back).toMatchObject({ joined: true, ranking: { me: { score: 40, rank: 1 } } })
  })

  it('refuses a malformed group id', async () => {
    const result = await h.call('alice', 'leaveGroup', { groupId: { $ne: null } })

    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('deletes everything of the caller and nothing of anyone else', async () => {
    await h.enter('bob', 'G1')
    await h.play('bob', 10)
    await h.expectOk('bob', 'updateProfile', { nickname: 'Bob' })
    await h.enter('alice', 'G1')
    await h.enter('alice', 'G2')
    await h.expectOk('alice', 'updateProfile', { nickname: 'Al' })
    await h.play('alice', 40)
    await h.expectOk('alice', 'startRound')

    const result = await h.expectOk('alice', 'deleteMyData')

    expect(result).toEqual({ deleted: true })
    const rows = Object.values(h.snapshot()).flat()
    expect(JSON.stringify(rows)).not.toContain('"alice"')
    expect(await h.expectOk('alice', 'getProfile')).toEqual({ nickname: null, avatarUrl: null })
    expect(await h.expectOk('alice', 'listMyGroups')).toEqual({ groups: [] })
    expect(await h.expectOk('bob', 'getRanking', { groupId: 'G1' })).toMatchObject({
      memberCount: 1,
      rows: [{ nickname: 'Bob', score: 10 }],
    })
  })
})
