// Seam: the deployable entry's wiring: createMain + getWXContext, server config, production open API.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { createCloudOpenApi } from '../../cloudfunctions/adapters/cloud-open-api'
import type { LeaderboardStore } from '../../cloudfunctions/core/store'
import { createMain } from '../../cloudfunctions/leaderboard/create-main'
import { loadServerConfig } from '../../cloudfunctions/leaderboard/server-config'
import { caller, createRouterHarness } from './support/router-harness'

const CONTEXT_VARS = ['WX_CONTEXT_KEYS', 'WX_OPENID', 'WX_APPID', 'WX_UNIONID', 'TCB_ENV']

function setCaller(openid: string | undefined) {
  process.env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID'
  process.env.WX_APPID = 'wxentrytest'
  if (openid === undefined) delete process.env.WX_OPENID
  else process.env.WX_OPENID = openid
}

describe('createMain', () => {
  const saved = Object.fromEntries(CONTEXT_VARS.map((name) => [name, process.env[name]]))

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  })

  it('reads the caller before yielding, so a concurrent context change cannot leak in', async () => {
    const h = createRouterHarness()
    await h.expectOk('alice', 'updateProfile', { nickname: 'Alice' })
    const main = createMain(h.deps)
    setCaller('alice')

    const pending = main({ action: 'getProfile' })
    setCaller('mallory') // the next invocation's context, set while alice's call is in flight

    expect(await pending).toEqual({ ok: true, data: { nickname: 'Alice', avatarUrl: null } })
    h.close()
  })

  it('answers UNAUTHENTICATED when the context has no OPENID', async () => {
    const h = createRouterHarness()
    setCaller(undefined)

    const result = await createMain(h.deps)({ action: 'getProfile' })

    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    h.close()
  })

  it('answers INTERNAL while the deps cannot be built, and recovers once they can', async () => {
    const h = createRouterHarness()
    let attempts = 0
    const main = createMain(() => {
      attempts++
      if (attempts === 1) throw new Error('salt missing')
      return h.deps
    })
    setCaller('alice')
    jest.spyOn(console, 'error').mockImplementation(() => undefined)

    const first = await main({ action: 'getProfile' })
    const second = await main({ action: 'getProfile' })

    expect(first).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(second).toMatchObject({ ok: true })
    h.close()
  })

  it('passes the context caller to the router and ignores client-sent identities', async () => {
    const profiles: string[] = []
    const store = {
      getProfile: async (openid: string) => {
        profiles.push(openid)
        return { nickname: null, avatarUrl: null }
      },
      takeRateLimit: async () => true,
    } as unknown as LeaderboardStore
    const h = createRouterHarness()
    setCaller('alice')

    await createMain({ ...h.deps, store })({ action: 'getProfile', openid: 'bob' })

    expect(profiles).toEqual(['alice'])
    h.close()
  })
})

describe('server config', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lb-config-'))
  })

  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('reads server-config.json and lets environment variables win', () => {
    writeFileSync(
      join(dir, 'server-config.json'),
      JSON.stringify({
        memberKeySalt: 'Hk3-vQ9_zT2mW7pLx4RcN8yB6fJ1sD5a',
        appSecret: 'file-secret',
        templateOvertaken: 'file-overtaken',
      }),
    )

    const config = loadServerConfig(dir, {
      LEADERBOARD_APP_SECRET: 'env-secret',
      LEADERBOARD_TEMPLATE_WEEKLY: 'env-weekly',
      LEADERBOARD_MINIPROGRAM_STATE: 'trial',
    })

    expect(config).toEqual({
      memberKeySalt: 'Hk3-vQ9_zT2mW7pLx4RcN8yB6fJ1sD5a',
      appSecret: 'env-secret',
      collectionPrefix: 'lb_',
      noticeTemplates: { overtaken: 'file-overtaken', weekly: 'env-weekly' },
      miniprogramState: 'trial',
    })
  })

  it('refuses a miniprogramState other than formal, trial or developer', () => {
    const env = { LEADERBOARD_MEMBER_KEY_SALT: 'Hk3-vQ9_zT2mW7pLx4RcN8yB6fJ1sD5a' }
    expect(loadServerConfig(dir, env).miniprogramState).toBe('formal')
    expect(() => loadServerConfig(dir, { ...env, LEADERBOARD_MINIPROGRAM_STATE: 'beta' })).toThrow(
      /formal, trial, developer/,
    )
  })

  it('refuses to start without a member key salt of at least 16 characters', () => {
    expect(() => loadServerConfig(dir, {})).toThrow(/LEADERBOARD_MEMBER_KEY_SALT/)
    expect(() => loadServerConfig(dir, { LEADERBOARD_MEMBER_KEY_SALT: 'short' })).toThrow()
  })
})

describe('production open API adapter', () => {
  const logger = { error: jest.fn() }
  const who = caller('alice', 'wxentrytest')

  it.each([
    [-601005, 'CLOUD_ID_INVALID'],
    [-601006, 'CLOUD_ID_EXPIRED'],
    [-601007, 'CLOUD_ID_NOT_OWNED'],
  ])('maps SDK error %i to %s', async (errCode, reason) => {
    const sdk = { getOpenData: () => Promise.reject(Object.assign(new Error('x'), { errCode })) }

    const result = await createCloudOpenApi({ sdk, appSecret: null, logger }).getOpenData('c', who)

    expect(result).toEqual({ ok: false, reason })
  })

  it('returns the resolved data of the CloudID and rethrows unknown failures', async () => {
    const data = { opengid: 'G1', watermark: { appid: 'wxentrytest', timestamp: 1 } }
    const ok = createCloudOpenApi({
      sdk: { getOpenData: async () => ({ list: [{ cloudID: 'c', data }] }) },
      appSecret: null,
      logger,
    })
    const broken = createCloudOpenApi({
      sdk: {
        getOpenData: () => Promise.reject(Object.assign(new Error('net'), { errCode: -501001 })),
      },
      appSecret: null,
      logger,
    })

    expect(await ok.getOpenData('c', who)).toEqual({ ok: true, data })
    await expect(broken.getOpenData('c', who)).rejects.toThrow('net')
  })

  it('calls jscode2session with the caller appid and the configured secret', async () => {
    const urls: string[] = []
    const api = createCloudOpenApi({
      sdk: { getOpenData: async () => ({ list: [] }) },
      appSecret: 's3cret',
      logger,
      httpsGet: async (url) => {
        urls.push(url)
        return url.includes('js_code=good')
          ? { status: 200, body: JSON.stringify({ openid: 'alice', session_key: 'k' }) }
          : { status: 200, body: JSON.stringify({ errcode: 40029, errmsg: 'invalid code' }) }
      },
    })

    expect(await api.code2Session('good', who)).toEqual({
      ok: true,
      openid: 'alice',
      sessionKey: 'k',
    })
    expect(await api.code2Session('bad', who)).toEqual({
      ok: false,
      errcode: 40029,
      errmsg: 'invalid code',
    })
    const url = new URL(urls[0]!)
    expect(`${url.origin}${url.pathname}`).toBe('https://api.weixin.qq.com/sns/jscode2session')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: 'wxentrytest',
      secret: 's3cret',
      js_code: 'good',
      grant_type: 'authorization_code',
    })
  })

  it('treats a missing AppSecret as a server fault, not a user error', async () => {
    const api = createCloudOpenApi({
      sdk: { getOpenData: async () => ({ list: [] }) },
      appSecret: null,
      logger,
    })

    await expect(api.code2Session('code', who)).rejects.toThrow(/APP_SECRET/)
  })
})
