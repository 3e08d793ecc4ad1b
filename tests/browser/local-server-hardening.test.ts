// Seam: the local preview server (local/server) over HTTP and in Chromium: rows 6 (prototype
// keys), 8 (framing) and 9 (simulator token, rotating sessions) of issue 13's outside probe.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { Browser } from 'playwright-core'

import { type LocalServer, startLocalServer } from '../../local/server/server'
import type { SimOpenResult } from '../../local/server/simulator/api-types'
import { PHONE_SESSION_TTL_MS } from '../../local/server/state-db'
import { launchChromium } from './support/chromium'
import { SimulatorPage } from './support/simulator-page'

const APP_DIR = join(__dirname, '../../dist/h5')

let server: LocalServer
let dataDir: string
let now = Date.UTC(2024, 4, 15, 4, 0, 0)

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'leaderboard-hardening-'))
  server = await startLocalServer({ dataDir, appDir: APP_DIR, port: 0, clock: () => now })
})

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const url = (path: string) => new URL(path, server.url).toString()

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const sim = () => ({ 'x-simulator-token': server.simulatorToken })

async function launch(openid: string): Promise<string> {
  const { body } = await post('/api/sim/launch', { as: openid }, sim())
  return (body as unknown as SimOpenResult).session
}

describe('row 6: prototype keys are unknown keys', () => {
  it.each(['constructor', '__proto__', 'hasOwnProperty', 'toString', 'valueOf'])(
    'treats %s as an unknown session, member, card and chat',
    async (key) => {
      const { body } = await post('/api/sim/members', { label: `Prober ${key.length}` }, sim())
      const member = String(body.openid)

      const cloud = await post(
        '/api/cloud/leaderboard',
        { action: 'getProfile' },
        { authorization: `Bearer ${key}` },
      )
      const asMember = await post('/api/sim/launch', { as: key }, sim())
      const card = await post('/api/sim/open-card', { as: member, cardId: key }, sim())
      const share = await post('/api/sim/share', { as: member, target: { chatId: key } }, sim())
      const join = await post('/api/sim/group-members', { chatId: key, openid: member }, sim())

      expect([cloud.status, cloud.body.error]).toEqual([401, 'NO_SESSION'])
      expect([asMember.status, asMember.body.error]).toEqual([404, 'UNKNOWN_MEMBER'])
      expect([card.status, card.body.error]).toEqual([404, 'UNKNOWN_CARD'])
      expect([share.status, share.body.error]).toEqual([404, 'UNKNOWN_CHAT'])
      expect([join.status, join.body.error]).toEqual([404, 'UNKNOWN_CHAT'])
      for (const answer of [cloud, asMember, card, share, join]) {
        expect(JSON.stringify(answer.body)).not.toMatch(/function|native code|undefined/)
      }
    },
  )
})

describe('row 5 (the rest): simulator names follow the nickname rule', () => {
  it('normalises member and group names and refuses invisible ones', async () => {
    const spaced = await post('/api/sim/members', { label: '  Ann \u3000 Lee\u200B ' }, sim())
    const invisible = await post('/api/sim/members', { label: '\u200B\u3164\uFEFF\u00AD' }, sim())
    const group = await post('/api/sim/groups', { name: '\u202E\u2066', members: [] }, sim())

    expect(spaced.status).toBe(201)
    expect(spaced.body.label).toBe('Ann Lee')
    expect(invisible.status).toBe(400)
    expect(group.status).toBe(400)
  })
})

describe('row 8: framing', () => {
  it.each(['/', '/dingtalk', '/api/sim/state', '/files/none.png', '/nowhere'])(
    'forbids framing %s',
    async (path) => {
      const response = await fetch(url(path))

      expect(response.headers.get('x-frame-options')).toBe('DENY')
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'[;]/)
    },
  )

  it.each(['/app/', '/app-dd/'])('lets only this origin frame %s', async (path) => {
    const response = await fetch(url(path))

    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'self'")
  })

  describe('in Chromium', () => {
    let browser: Browser

    beforeAll(async () => {
      browser = await launchChromium()
    }, 60_000)

    afterAll(async () => browser?.close())

    it('refuses a page of another origin framing the simulator or the app', async () => {
      const context = await browser.newContext()
      const page = await context.newPage()
      // Another local page (another port counts as another origin) frames both.
      const other = `http://localhost:${server.port}`
      await page.route(`${other}/evil`, (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<iframe id="sim" src="${server.url}"></iframe><iframe id="app" src="${url('/app/')}"></iframe>`,
        }),
      )
      await page.goto(`${other}/evil`)
      await page.waitForTimeout(500)

      const frames = page.frames().slice(1)
      expect(frames).toHaveLength(2)
      for (const frame of frames) {
        // A refused frame shows Chromium's error page instead of the simulator or the app.
        expect(frame.url()).toMatch(/^chrome-error:/)
      }
      await context.close()
    }, 60_000)

    it('runs the H5 app in the simulator without a CSP violation (Taro’s inline script is hashed)', async () => {
      const context = await browser.newContext()
      const violations: string[] = []
      context.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
      })
      // /app/ opened alone only explains how to open it: boot the app as the simulator frames
      // it, in a member's phone (/app/?session=…), and check both pages' policies there.
      const simulator = await SimulatorPage.open(context, server.simulatorUrl)
      await simulator.addMember('CSP')
      await simulator.launchApp()
      const phone = await simulator.phoneFrame()
      await phone.waitForSelector('#app')
      const fontSize = await phone.evaluate(() => document.documentElement.style.fontSize)

      expect(new URL(phone.url()).pathname).toBe('/app/')
      expect(violations).toEqual([])
      expect(fontSize).not.toBe('') // the inline rem script ran
      expect(simulator.errors).toEqual([])
      await context.close()
    }, 60_000)
  })
})

describe('row 9: the simulator API needs the token of this start', () => {
  it('refuses every simulator call without it, or with another', async () => {
    const answers = await Promise.all([
      fetch(url('/api/sim/state')),
      post('/api/sim/members', { label: 'Intruder' }),
      post('/api/sim/launch', { as: 'anyone' }, { 'x-simulator-token': 'guess' }),
      post('/api/dingtalk-sim/auth-code', { userId: 'u', corpId: 'c' }),
      fetch(url('/'), { redirect: 'manual' }),
      fetch(url('/?token=guess'), { redirect: 'manual' }),
    ])

    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 401])
  })

  it('turns the printed URL into a cookie and a bare URL, as notebook servers do', async () => {
    const first = await fetch(server.simulatorUrl, { redirect: 'manual' })
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!
    const page = await fetch(url('/'), { headers: { cookie } })
    const state = await fetch(url('/api/sim/state'), { headers: { cookie } })

    expect(server.simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/)
    expect(first.status).toBe(302)
    expect(first.headers.get('location')).toBe('/')
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict; Path=\//)
    expect(page.status).toBe(200)
    expect(state.status).toBe(200)
  })

  it('expires phone sessions and signs the member in afresh on the next launch', async () => {
    const { body } = await post('/api/sim/members', { label: 'Rotating' }, sim())
    const openid = String(body.openid)
    const call = (session: string) =>
      post(
        '/api/cloud/leaderboard',
        { action: 'getProfile' },
        { authorization: `Bearer ${session}` },
      )
    const first = await launch(openid)
    const hotStart = await launch(openid) // a running app keeps its session

    const live = await call(first)
    now += PHONE_SESSION_TTL_MS
    const expired = await call(first)
    const second = await launch(openid)
    const withSecond = await call(second)
    const withFirstAgain = await call(first)

    expect(hotStart).toBe(first)
    expect(live.status).toBe(200)
    expect(expired.status).toBe(401)
    expect(second).not.toBe(first)
    expect(withSecond.status).toBe(200)
    expect(withFirstAgain.status).toBe(401)
  })
})
