// Seam: the mingo stand-in of the cloud database: real db.command objects, platform limits.
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase-store'
import { periodKeys } from '../../cloudfunctions/core/periods'
import { createCloudDbStandin, SERVER_MAX_LIMIT, toMingoQuery } from './support/cloud-db-standin'

describe('cloud database stand-in', () => {
  it('translates the SDK commands the adapter uses into MongoDB queries', () => {
    const { command: _ } = createCloudDbStandin()

    expect(toMingoQuery({ a: _.gt(5), b: 'x' })).toEqual({
      $and: [{ a: { $gt: 5 } }, { b: { $eq: 'x' } }],
    })
    expect(toMingoQuery(_.or([{ s: _.lt(3) }, { s: 3, t: _.in([1, 2]) }]))).toEqual({
      $or: [{ $and: [{ s: { $lt: 3 } }] }, { $and: [{ s: { $eq: 3 } }, { t: { $in: [1, 2] } }] }],
    })
  })

  it('applies update commands and merges plain nested objects like the platform', async () => {
    const db = createCloudDbStandin()
    const _ = db.command
    const docs = db.collection('c')
    await docs.add({ data: { _id: 'a', n: 1, nested: { x: 1, y: 2 }, whole: { x: 1 } } })

    await docs
      .where({ _id: 'a' })
      .update({ data: { n: _.inc(2), nested: { x: 9 }, whole: _.set({ z: 3 }) } })

    expect((await docs.doc('a').get()).data).toEqual({
      _id: 'a',
      n: 3,
      nested: { x: 9, y: 2 },
      whole: { z: 3 },
    })
  })

  it('throws like the platform on a duplicate _id, a missing doc, and a limit above 1000', async () => {
    const db = createCloudDbStandin()
    const docs = db.collection('c')
    await docs.add({ data: { _id: 'a' } })

    await expect(docs.add({ data: { _id: 'a' } })).rejects.toMatchObject({
      errCode: -502001,
      errMsg: expect.stringContaining('E11000 duplicate key'),
    })
    await expect(docs.doc('missing').get()).rejects.toMatchObject({
      errMsg: expect.stringContaining('does not exist'),
    })
    await expect(
      docs
        .where({})
        .limit(SERVER_MAX_LIMIT + 1)
        .get(),
    ).rejects.toMatchObject({
      errCode: -501007,
    })
    await expect(docs.where({}).limit(SERVER_MAX_LIMIT).get()).resolves.toMatchObject({
      data: [{ _id: 'a' }],
    })
    expect(() => docs.where({}).limit(0)).toThrow()
    await expect(docs.doc('a').set({ data: { _id: 'b' } })).rejects.toMatchObject({
      errCode: -501007,
    })
  })

  it('lets the CloudBase adapter read in pages of at most 100 documents', async () => {
    const db = createCloudDbStandin()
    const store = createCloudbaseStore(db)
    const now = Date.UTC(2024, 4, 15)
    const keys = periodKeys(now)
    for (let i = 0; i < 120; i++) {
      const openid = `p${i}`
      const token = `token-${String(i).padStart(10, '0')}`
      await store.joinGroup(
        { groupId: 'G', openid, memberKey: `k${i}`.padEnd(22, '0'), joinedAt: now },
        [keys.all],
      )
      await store.createRound({ token, openid, startedAt: now, expiresAt: now + 1 }, 0)
      await store.applyScore({
        token,
        openid,
        requestId: 'r',
        score: i,
        achievedAt: now,
        periodKeys: keys,
      })
    }

    const page = await store.getRankingPage({
      groupId: 'G',
      periodKey: 'all',
      after: null,
      limit: 101,
    })

    expect(page).toHaveLength(101)
    const limits = db.operations.flatMap((op) => (op.limit === undefined ? [] : [op.limit]))
    expect(Math.max(...limits)).toBeLessThanOrEqual(100)
  })
})
