// Seam: the CloudBase database stand-in under the real wx-server-sdk (its request seam, Db.reqClass).
import {
  type CloudAggregate,
  createCloudbaseStore,
} from '../../cloudfunctions/adapters/cloudbase-store'
import { periodKeys } from '../../cloudfunctions/core/periods'
import { createCloudDbStandin, type IndexFile } from './support/cloud-db-standin'

/** SDK features the adapter's typed slice leaves out on purpose. */
interface SdkOnly {
  sample(spec: unknown): CloudAggregate
  size(expression: unknown): unknown
}

const INDEXES: IndexFile = {
  collections: {
    c: { id: 'any', indexes: [{ g: 1, score: -1 }] },
    d: { id: 'any', indexes: [] },
  },
}

describe('cloud database stand-in', () => {
  it('receives each SDK call as one request in the wire format and answers it', async () => {
    const standin = createCloudDbStandin({ indexes: INDEXES })
    const { db } = standin
    const _ = db.command
    await db.collection('lb_c').add({ data: { _id: 'a', g: 'G', score: 5 } })

    const { data } = await db
      .collection('lb_c')
      .where({ g: 'G', score: _.gt(4) })
      .orderBy('score', 'desc')
      .limit(10)
      .get()

    expect(data).toEqual([{ _id: 'a', g: 'G', score: 5 }])
    expect(standin.calls.map((call) => call.action)).toEqual([
      'database.insertDocument',
      'database.getDocument',
    ])
    expect(standin.calls[1]!.params).toMatchObject({
      collectionName: 'lb_c',
      query: '{"g":"G","score":{"$gt":{"$numberInt":"4"}}}',
      order: '{"score":{"$numberInt":"-1"}}',
      limit: 10,
    })
  })

  it('applies update operators like the platform: $inc, merged objects, _.set replacing', async () => {
    const { db } = createCloudDbStandin({ indexes: INDEXES })
    const _ = db.command
    const docs = db.collection('lb_d')
    await docs.add({ data: { _id: 'a', n: 1, nested: { x: 1, y: 2 }, whole: { x: 1 } } })

    const { stats } = await docs
      .where({ _id: 'a' })
      .update({ data: { n: _.inc(2), nested: { x: 9 }, whole: _.set({ z: 3 }) } })

    expect(stats.updated).toBe(1)
    expect((await docs.where({ _id: 'a' }).get()).data).toEqual([
      { _id: 'a', n: 3, nested: { x: 9, y: 2 }, whole: { z: 3 } },
    ])
  })

  it('fails like the platform on a duplicate _id', async () => {
    const { db } = createCloudDbStandin({ indexes: INDEXES })
    await db.collection('lb_d').add({ data: { _id: 'a' } })

    await expect(db.collection('lb_d').add({ data: { _id: 'a' } })).rejects.toMatchObject({
      errCode: -502001,
      errMsg: expect.stringContaining('E11000 duplicate key'),
    })
  })

  it('refuses queries no declared index serves, and sorts against the index order', async () => {
    const { db } = createCloudDbStandin({ indexes: INDEXES })
    const c = db.collection('lb_c')
    const _ = db.command

    await expect(c.where({ score: 1 }).get()).rejects.toThrow(/no declared index/)
    await expect(
      c.where({ g: 'G' }).orderBy('score', 'asc').orderBy('x', 'asc').get(),
    ).rejects.toThrow(/no declared index/)
    await expect(db.collection('lb_d').where({ x: 1 }).count()).rejects.toThrow(/no declared/)
    await expect(db.collection('lb_zz').where({ _id: 'a' }).get()).rejects.toThrow(/not declared/)
    // Served: the first key, the index's sort (or its reverse), `_id`, an $in on the first key.
    await expect(c.where({ g: 'G' }).orderBy('score', 'desc').get()).resolves.toBeDefined()
    await expect(c.where({ g: 'G' }).orderBy('score', 'asc').get()).resolves.toBeDefined()
    await expect(c.where({ g: _.in(['G']), score: _.lt(3) }).count()).resolves.toBeDefined()
    await expect(db.collection('lb_d').where({ _id: 'x' }).remove()).resolves.toBeDefined()
  })

  it('runs the aggregate stages the adapter uses and refuses every other form', async () => {
    const { db } = createCloudDbStandin({ indexes: INDEXES })
    const $ = db.command.aggregate
    await db.collection('lb_c').add({ data: { _id: 'm1', g: 'G', who: 'p1', score: 1 } })
    await db.collection('lb_d').add({ data: { _id: 'p1', name: 'P' } })
    const start = () => db.collection('lb_c').aggregate().match({ g: 'G' })

    const { list } = await start()
      .project({ _id: 0, who: 1, twice: $.concat(['$who', '$who']) })
      .lookup({ from: 'lb_d', localField: 'who', foreignField: '_id', as: 'p' })
      .unwind('$p')
      .sort({ twice: 1 })
      .limit(10)
      .end()

    expect(list).toEqual([{ who: 'p1', twice: 'p1p1', p: { _id: 'p1', name: 'P' } }])
    await expect(start().count('n').end()).resolves.toMatchObject({ list: [{ n: 1 }] })
    // No limit: how many rows an open aggregate returns is not something to rely on.
    await expect(start().end()).rejects.toThrow(/\$limit/)
    await expect(start().limit(1001).end()).rejects.toThrow(/\$limit/)
    await expect(
      (start() as unknown as SdkOnly).sample({ size: 1 }).limit(1).end(),
    ).rejects.toThrow(/\$sample/)
    await expect(
      db.collection('lb_c').aggregate().project({ g: 1 }).limit(1).end(),
    ).rejects.toThrow(/indexed \$match/)
    await expect(
      start()
        .lookup({ from: 'lb_c', localField: 'who', foreignField: 'who', as: 'x' })
        .limit(1)
        .end(),
    ).rejects.toThrow(/no declared index/)
    await expect(
      start()
        .project({ n: ($ as unknown as SdkOnly).size('$who') })
        .limit(1)
        .end(),
    ).rejects.toThrow(/\$size/)
  })

  it('holds a request at its interceptor until released', async () => {
    const standin = createCloudDbStandin({ indexes: INDEXES })
    let release: () => void = () => undefined
    standin.interceptor = (call) =>
      call.actor === 'slow' ? new Promise<void>((resolve) => (release = resolve)) : undefined
    const order: string[] = []

    const slow = standin.actor('slow', async () => {
      await standin.db.collection('lb_d').add({ data: { _id: 'x', v: 'slow' } })
      order.push('slow')
    })
    await new Promise((resolve) => setImmediate(resolve))
    await standin.actor('fast', async () => {
      await standin.db.collection('lb_d').add({ data: { _id: 'y', v: 'fast' } })
      order.push('fast')
    })
    release()
    await slow

    expect(order).toEqual(['fast', 'slow'])
  })

  it('lets the CloudBase adapter read in pages of at most 100 documents', async () => {
    const standin = createCloudDbStandin()
    const store = createCloudbaseStore(standin.db)
    const now = Date.UTC(2024, 4, 15)
    const keys = periodKeys(now)
    for (let i = 0; i < 120; i++) {
      const openid = `p${i}`
      const token = `token-${String(i).padStart(10, '0')}`
      await store.joinGroup({ groupId: `G${i}`, openid: 'me', memberKey: 'k', joinedAt: now + i })
      await store.joinGroup({ groupId: 'G', openid, memberKey: `k${i}`, joinedAt: now })
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
    const groups = await store.listMemberships('me')

    expect(page).toHaveLength(101)
    expect(groups).toHaveLength(120)
    const limits = standin.calls.flatMap((call) =>
      call.action === 'database.getDocument' ? [call.params.limit as number] : [],
    )
    expect(Math.max(...limits)).toBeLessThanOrEqual(100)
  })
})
