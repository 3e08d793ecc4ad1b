// Seam: the deployable bundle (npm run build:cloud) loaded by plain Node, as CloudBase loads it.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { ROOT, runProbe, useBuiltFunctions } from './support/function-bundles'

/**
 * Runs in a fresh Node process: loads the bundle like the platform and calls main both ways.
 * Outside CloudBase, whoever runs the production entry installs the offline-SDK guard (argv[2]).
 */
const PROBE = `
require(process.argv[2]).guardOfflineSdkRejection()
const bundle = require(process.argv[1])
const report = { exports: Object.keys(bundle).sort() }
process.env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID'
process.env.WX_OPENID = 'alice'
process.env.WX_APPID = 'wxbundletest'
;(async () => {
  const wired = bundle.createMain({
    store: {
      getProfile: async (openid) => ({ nickname: 'n-' + openid, avatarUrl: null }),
      takeRateLimit: async () => true,
    },
    openApi: {},
    clock: { now: () => 0 },
    logger: { error: () => {} },
    memberKeySalt: 'bundle-test-salt',
  })
  report.wired = await wired({ action: 'getProfile', userInfo: { openId: 'x' } })
  report.unconfigured = await bundle.main({ action: 'getProfile' })
  process.env.LEADERBOARD_MEMBER_KEY_SALT = 'bundle-test-salt-Qw7Zp3Xk9Lm2Vr8T'
  // Offline, the real CloudBase call fails; the SDK's stray rejection must not kill the process.
  report.offline = await bundle.main({ action: 'getProfile' })
  await new Promise((r) => setTimeout(r, 200))
  process.stdout.write(JSON.stringify(report))
  process.exit(0)
})()
`

describe('bundled leaderboard function', () => {
  const { outDir } = useBuiltFunctions('lb-bundle-')

  it('ships index.js with its package.json (wx-server-sdk pinned) and config.json', () => {
    const dir = join(outDir(), 'leaderboard')
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))

    expect(pkg).toMatchObject({ main: 'index.js', dependencies: { 'wx-server-sdk': '4.0.2' } })
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      permissions: { openapi: [] },
    })
    expect(existsSync(join(dir, 'server-config.example.json'))).toBe(false)
  })

  it('inlines shared code but never the local-only better-sqlite3 or mingo', () => {
    const code = readFileSync(join(outDir(), 'leaderboard/index.js'), 'utf8')

    expect(code).not.toMatch(/better-sqlite3|mingo/)
    expect(code).toContain('require("wx-server-sdk")')
    expect(code).toContain('UNKNOWN_ACTION')
  })

  it('loads in plain Node, exports main, and answers with envelopes', () => {
    const guard = join(ROOT, 'local/wechat/offline-sdk-guard.ts')
    const bundle = join(outDir(), 'leaderboard/index.js')
    const run = runProbe(PROBE, [bundle, guard], { tsx: true })

    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(report.exports).toEqual(expect.arrayContaining(['createMain', 'main']))
    expect(report.wired).toEqual({ ok: true, data: { nickname: 'n-alice', avatarUrl: null } })
    expect(report.unconfigured).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    expect(report.offline).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
  }, 60_000)

  it('ships the scheduler with its timer trigger and the subscribeMessage.send permission', () => {
    const dir = join(outDir(), 'scheduler')
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toEqual({
      permissions: { openapi: ['subscribeMessage.send'] },
      triggers: [{ name: 'everyMinute', type: 'timer', config: '0 * * * * * *' }],
    })
    const probe = `
      const bundle = require(process.argv[1])
      ;(async () => {
        process.env.WX_CONTEXT_KEYS = 'WX_OPENID'
        process.env.WX_OPENID = 'alice'
        const fromClient = await bundle.main({ Type: 'Timer', TriggerName: 'everyMinute' })
        delete process.env.WX_OPENID
        const unconfigured = await bundle.main({ Type: 'Timer', TriggerName: 'everyMinute' })
        process.stdout.write(JSON.stringify({ fromClient, unconfigured }))
        process.exit(0)
      })()`
    const run = runProbe(probe, [join(dir, 'index.js')])

    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout)
    expect(report.fromClient).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
    expect(report.unconfigured).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
  }, 60_000)
})
