// Seam: the local preview of `npm start` — simulator page, H5 build and local server — in Chromium.
import { join } from 'node:path'

import { identiconPng } from '../../local/server/avatars'
import { ARTIFACTS, expectChineseReadable, previewInBrowser } from './support/preview-in-browser'
import type { SimulatorPage } from './support/simulator-page'

jest.setTimeout(90_000)

const preview = previewInBrowser({ dataPrefix: 'leaderboard-browser-' })
const { openAs, advanceServer } = preview

async function screenshot(page: SimulatorPage, name: string): Promise<void> {
  await expectChineseReadable(page)
  await page.page.screenshot({ path: join(ARTIFACTS, `${name}.png`) })
  await page.page.getByTestId('phone').screenshot({ path: join(ARTIFACTS, `${name}-phone.png`) })
}

describe('a group card in the simulator', () => {
  it('opens the group ranking for each member, and A sees it update in order as B and C play', async () => {
    // A sets up the chat: three members, group G.
    const a = await openAs()
    await a.addMember('A')
    await a.addMember('B')
    await a.addMember('C')
    await a.createGroup('G', ['B', 'C'])

    // A opens the mini program without a card, then shares it into G from the app.
    await a.launchApp()
    await a.phone.locator('#share-to-group').click()
    await a.shareTo('群 · G')
    await a.cards().first().waitFor()
    await expect(a.cards().first().getAttribute('data-ticket')).resolves.toBe('true')

    // A taps the card: the running app takes it as a hot start (no reload) and shows G's ranking.
    const appFrame = await a.phoneFrame()
    await appFrame.evaluate(() =>
      window.sessionStorage.setItem('booted-before-tap', String(performance.timeOrigin)),
    )
    await a.tapLatestCard()
    await a.phone.locator('#empty').waitFor()
    await a.phone.locator('.group-name__name').filter({ hasText: 'G' }).waitFor()
    const sameDocument = await appFrame.evaluate(
      () => window.sessionStorage.getItem('booted-before-tap') === String(performance.timeOrigin),
    )
    expect(sameDocument).toBe(true)

    // B, on their own phone, taps the card, sets a profile and plays a round.
    const b = await openAs('B', { fakeClock: true })
    await b.openChat('G')
    await b.tapLatestCard()
    await b.phone.locator('#empty').waitFor()
    await b.setProfile('Bea', identiconPng('B'))
    await b.playRound(12, advanceServer)
    await b.phone.locator('.podium__place--1 .podium__name').filter({ hasText: 'Bea' }).waitFor()

    // A taps the card again and sees B on top.
    await a.tapLatestCard()
    await a.phone.locator('.podium__place--1 .podium__name').filter({ hasText: 'Bea' }).waitFor()
    expect(await a.rankingLines()).toEqual(['1 Bea 12'])

    // C plays better; A's next look has C first, B second.
    const c = await openAs('C', { fakeClock: true })
    await c.openChat('G')
    await c.tapLatestCard()
    await c.phone.locator('.podium__place--1 .podium__name').filter({ hasText: 'Bea' }).waitFor()
    await c.setProfile('Cai', identiconPng('C'))
    await c.playRound(17, advanceServer)

    await a.tapLatestCard()
    await a.phone.locator('.podium__place--1 .podium__name').filter({ hasText: 'Cai' }).waitFor()
    expect(await a.rankingLines()).toEqual(['1 Cai 17', '2 Bea 12'])
    await screenshot(a, 'group-g-ranking-as-a')
  })

  it('loads the uploaded avatars in the ranking', async () => {
    const a = await openAs('A')
    await a.openChat('G')
    await a.tapLatestCard()
    await a.phone.locator('.podium__place--1 .podium__name').filter({ hasText: 'Cai' }).waitFor()
    const frame = await a.phoneFrame()

    const avatars = await frame.waitForFunction(() => {
      const images = Array.from(document.querySelectorAll<HTMLImageElement>('.podium img'))
      const loaded = images.filter((image) => image.complete && image.naturalWidth > 0)
      return loaded.length === images.length && images.length === 2
        ? images.map((image) => ({ src: image.src, width: image.naturalWidth }))
        : null
    })

    const list = (await avatars.jsonValue()) as Array<{ src: string; width: number }>
    expect(list).toHaveLength(2)
    for (const avatar of list) {
      expect(avatar.src).toMatch(/\/files\/avatars\/[A-Za-z0-9_-]+\.png$/)
      expect(avatar.width).toBe(120)
    }
  })

  it('shows the no-group path for a card shared into a single chat (scene 1007)', async () => {
    const a = await openAs('A')
    await a.launchApp()
    await a.phone.locator('#share-to-group').waitFor()
    await a.page.getByTestId('capsule-share').click()
    await a.shareTo('私聊 · B')

    const b = await openAs('B')
    await b.page.locator('[data-chat-kind="single"]').click()
    await b.tapLatestCard()
    await b.page.getByRole('status').filter({ hasText: 'scene 1007' }).waitFor()
    await b.phone.locator('.share-prompt__reason').filter({ hasText: '私聊' }).waitFor()
  })
})

describe('an old base library', () => {
  it('opens the group through wx.login + getShareInfo and encrypted data', async () => {
    const b = await openAs('B')
    await b.page.getByTestId('sdk').selectOption('2.16.0')
    await b.openChat('G')
    const requests: string[] = []
    b.page.on('request', (request) => requests.push(new URL(request.url()).pathname))
    await b.tapLatestCard()
    await b.phone.locator('.podium__place--1 .podium__name').filter({ hasText: 'Cai' }).waitFor()
    expect(requests).toEqual(
      expect.arrayContaining(['/api/wechat/login', '/api/wechat/getShareInfo']),
    )
    expect(requests).not.toContain('/api/wechat/getGroupEnterInfo')
  })
})

describe('restarting the server', () => {
  it('keeps groups, members, cards and scores', async () => {
    await preview.restartServer()

    const a = await openAs('A')
    const members = await a.page.locator('#as-member option[data-label]').allTextContents()
    expect(members).toEqual(expect.arrayContaining(['A', 'B', 'C']))
    await a.openChat('G')
    await expect(a.cards().count()).resolves.toBe(1)
    await a.tapLatestCard()
    await a.phone.locator('.podium__place--1 .podium__name').filter({ hasText: 'Cai' }).waitFor()
    expect(await a.rankingLines()).toEqual(['1 Cai 17', '2 Bea 12'])
  })
})

describe('the demo group', () => {
  it('seeds thirty members with profiles and scores through the real actions', async () => {
    const viewer = await openAs()
    await viewer.page.getByTestId('seed-demo').click()
    await viewer.page.getByRole('status').filter({ hasText: '示例群已就绪' }).waitFor()
    await viewer.tapLatestCard()
    await viewer.phone.locator('.podium__place--1').waitFor()
    await viewer.phone
      .locator('#count-line')
      .filter({ hasText: '27 人上榜 · 3 人还没有成绩' })
      .waitFor()

    const lines = await viewer.rankingLines()
    expect(lines).toHaveLength(27)
    const scores = lines.map((line) => Number(line.split(' ').pop()))
    expect(scores).toEqual([...scores].sort((x, y) => y - x))
    const frame = await viewer.phoneFrame()
    await frame.waitForFunction(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('.podium img')).every(
        (image) => image.complete && image.naturalWidth > 0,
      ),
    )
    await expectChineseReadable(viewer)
    await viewer.page
      .getByTestId('phone')
      .screenshot({ path: join(ARTIFACTS, 'ranking-30-members.png') })
    await viewer.page.screenshot({ path: join(ARTIFACTS, 'simulator-demo-group.png') })
  })
})
