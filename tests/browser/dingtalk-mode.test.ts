// Seam: the local preview's DingTalk mode — /dingtalk simulator, the H5 build with the DingTalk modules (dist/h5-dd) and the DingTalk entry on the local server — in Chromium.
import { join } from 'node:path'

import type { Page } from 'playwright-core'

import { isolatedContext } from './support/chromium'
import { ARTIFACTS, previewInBrowser } from './support/preview-in-browser'

jest.setTimeout(90_000)

const preview = previewInBrowser({ dataPrefix: 'leaderboard-dingtalk-', dingtalk: true })

async function openDingTalkSimulator(): Promise<Page> {
  const context = await isolatedContext(preview.browser)
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(`${preview.server.url}dingtalk?token=${preview.server.simulatorToken}`)
  return page
}

test('a 12-member DingTalk group where 5 played shows 12 rows (5 scored, 7 未参与) with its name and owner', async () => {
  const page = await openDingTalkSimulator()
  await page.getByTestId('dd-seed-demo').click()
  await page.getByTestId('dd-group').filter({ hasText: '钉钉示例群（12）' }).waitFor()

  // The twelfth member, who has not played, opens the group's cool-app entry.
  const { users } = preview.server.dingtalk.state()
  await page.getByTestId('dd-as').selectOption(users[11]!.userId)
  await page.getByTestId('dd-group').filter({ hasText: '钉钉示例群' }).click()
  await page.getByTestId('dd-cool-app-entry').click()

  const app = page.frameLocator('[data-testid="dd-app"]')
  await app.locator('.ranking-row--idle').nth(6).waitFor()
  const scored = app.locator('.podium__place, .ranking-row:not(.ranking-row--idle)')
  const idle = app.locator('.ranking-row--idle')
  expect(await scored.count()).toBe(5)
  expect(await idle.count()).toBe(7)
  expect(await idle.locator('.ranking-row__score').allTextContents()).toEqual(
    Array.from({ length: 7 }, () => '未参与'),
  )
  // Scored first, best first: the podium shows 1–3 and the rows continue with 4 and 5.
  expect(await app.locator('.podium__score').allTextContents()).toEqual(['101', '120', '88'])
  expect(
    await app.locator('.ranking-row:not(.ranking-row--idle) .ranking-row__score').allTextContents(),
  ).toEqual(['64', '45'])
  // The group's real name and owner, which DingTalk lets the app show.
  await expect(app.locator('.group-name__name').textContent()).resolves.toBe('钉钉示例群')
  await app.locator('#group-owner').waitFor()
  expect(await app.locator('#group-owner').textContent()).toContain('群主 王芳')
  // The viewer's own row is among the 未参与 ones.
  expect(await app.locator('.ranking-row--idle.ranking-row--me').count()).toBe(1)

  await page
    .getByTestId('dd-phone')
    .screenshot({ path: join(ARTIFACTS, 'dingtalk-12-members.png') })
})
