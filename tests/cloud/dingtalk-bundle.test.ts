// Seam: the deployable DingTalk bundle (npm run build:cloud → dingtalk/index.js) loaded by plain Node, called with CloudBase HTTP access events.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { runProbe, useBuiltFunctions } from './support/function-bundles'

const PROBE = `
const bundle = require(process.argv[1])
const event = (path, body) => ({ path, httpMethod: 'POST', headers: {}, body, isBase64Encoded: false })
;(async () => {
  const report = { exports: Object.keys(bundle).sort() }
  report.unconfigured = await bundle.main(event('/dingtalk/login', '{}'))
  Object.assign(process.env, {
    LEADERBOARD_MEMBER_KEY_SALT: 'bundle-test-salt-Qw7Zp3Xk9Lm2Vr8T',
    DINGTALK_CORP_ID: 'dingbundlecorp',
    DINGTALK_APP_KEY: 'bundle-app',
    DINGTALK_APP_SECRET: 'bundle-secret',
    DINGTALK_SESSION_SECRET: 'bundle-session-secret-0123456789-0123',
  })
  report.badBody = await bundle.main(event('/dingtalk/login', 'not json'))
  report.otherCorp = await bundle.main(event('/dingtalk/login', JSON.stringify({ corpId: 'x', authCode: 'c' })))
  report.noSession = await bundle.main(event('/dingtalk/leaderboard', JSON.stringify({ action: 'getProfile' })))
  report.unknownPath = await bundle.main(event('/dingtalk/nope', '{}'))
  process.stdout.write(JSON.stringify(report))
  process.exit(0)
})()
`

describe('bundled DingTalk entry', () => {
  const { outDir } = useBuiltFunctions('dd-bundle-')

  it('ships without local-only code, with wx-server-sdk pinned', () => {
    const code = readFileSync(join(outDir(), 'dingtalk/index.js'), 'utf8')
    expect(code).not.toMatch(/better-sqlite3|mingo|local\/dingtalk/)
    expect(code).toContain('require("wx-server-sdk")')
    const pkg = JSON.parse(readFileSync(join(outDir(), 'dingtalk/package.json'), 'utf8'))
    expect(pkg.dependencies).toEqual({ 'wx-server-sdk': '4.0.2' })
  })

  it('answers HTTP access events with typed envelopes, never a crash', () => {
    const run = runProbe(PROBE, [join(outDir(), 'dingtalk/index.js')])
    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout)
    const code = (answer: { statusCode: number; body: string }) =>
      JSON.parse(answer.body).error?.code
    expect(report.exports).toEqual(expect.arrayContaining(['createDingTalkMain', 'main']))
    expect(code(report.unconfigured)).toBe('INTERNAL')
    expect(code(report.badBody)).toBe('INVALID_INPUT')
    expect(code(report.otherCorp)).toBe('SESSION_INVALID')
    expect(code(report.noSession)).toBe('UNAUTHENTICATED')
    expect(report.unknownPath.statusCode).toBe(404)
  })
})
