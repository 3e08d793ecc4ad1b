// Seam: the local preview in Chromium: subscribe consent, the scheduler on the server's movable clock, 服务通知 and 上周.
import { previewInBrowser } from './support/preview-in-browser'

jest.setTimeout(120_000)

const { openAs, advanceServer } = previewInBrowser({ dataPrefix: 'leaderboard-notices-' })

it("B overtakes A; A's 服务通知 gets the message, which opens A's group ranking; next Monday shows 上周", async () => {
  const setup = await openAs()
  await setup.addMember('A')
  await setup.addMember('B')
  await setup.createGroup('G', ['B'])
  await setup.launchApp()
  await setup.phone.locator('#share-to-group').click()
  await setup.shareTo('群 · G')
  await setup.cards().first().waitFor()

  // A plays, then asks to be told when someone passes them (the stand-in's panel allows).
  const a = await openAs('A', { fakeClock: true })
  await a.openChat('G')
  await a.tapLatestCard()
  await a.phone.locator('#empty').waitFor()
  await a.playRound(5, advanceServer)
  await a.phone.locator('#notify-overtaken').click()
  await a.phone.locator('#notify-overtaken-status').filter({ hasText: '已订阅一次提醒' }).waitFor()

  // B passes A.
  const b = await openAs('B', { fakeClock: true })
  await b.openChat('G')
  await b.tapLatestCard()
  await b.phone.locator('.podium__place--1').waitFor()
  await b.playRound(8, advanceServer)

  // The server's clock moves past the sender's one-minute interval: the scheduler delivers.
  await expect(a.page.getByTestId('service-notice').count()).resolves.toBe(0)
  await a.page.getByTestId('clock-plus-day').click()
  const notice = a.page.getByTestId('service-notice').first()
  await notice.filter({ hasText: '超过了你' }).waitFor()
  expect(await notice.textContent()).toContain('8')

  // Tapping it opens A's group ranking, B first.
  await notice.click()
  await a.phone.locator('.group-name__name').filter({ hasText: 'G' }).waitFor()
  await a.phone.locator('.podium__place--1 .podium__score').filter({ hasText: '8' }).waitFor()

  // Next Monday 00:05: the weekly close; 上周 shows last week's podium and A's rank then.
  await a.page.getByTestId('clock-next-monday').click()
  await a.page.getByTestId('sim-clock').filter({ hasText: '00:05 周一' }).waitFor()
  // Days have passed on the server, so A's phone session (24 h, issue 13) has expired: A opens
  // the group's card again, and the phone starts afresh with a new session.
  await a.tapLatestCard()
  await a.phone.locator('.podium__place--1 .podium__score').filter({ hasText: '8' }).waitFor()
  await a.phone.locator('#last-week-toggle').click()
  await a.phone.locator('#last-week').waitFor()
  await expect(a.phone.locator('#last-week').textContent()).resolves.toContain('第 1 名')
  await a.phone.locator('#last-week-me').filter({ hasText: '我上周排第 2 名（5 分）' }).waitFor()
})
