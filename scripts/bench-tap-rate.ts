/**
 * How fast the play page of the H5 build registers taps on the local simulator, when the taps
 * are real mouse input driven as fast as Chromium takes them, and what timeline it records. It
 * prints figures (no assertion): the page's ceiling, against which the human bound of
 * `shared/tap-timeline.ts` (20 taps in any second) is set.
 *
 *   npm run build:h5 && npx tsx scripts/bench-tap-rate.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { startLocalServer } from '../local/server/server'
import type { SimOpenResult } from '../local/server/simulator/api-types'
import { MAX_TAPS_PER_SECOND } from '../shared/tap-timeline'
import { isolatedContext, launchChromium } from '../tests/browser/support/chromium'

const BURST_MS = 2_000

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lb-tap-rate-'))
  const server = await startLocalServer({
    dataDir,
    appDir: join(__dirname, '../dist/h5'),
    port: 0,
  })
  const browser = await launchChromium()
  try {
    const post = async <T>(path: string, body: unknown): Promise<T> => {
      const response = await fetch(new URL(path, server.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-simulator-token': server.simulatorToken,
        },
        body: JSON.stringify(body),
      })
      return (await response.json()) as T
    }
    const { openid } = await post<{ openid: string }>('/api/sim/members', { label: 'Tapper' })
    const { session } = await post<SimOpenResult>('/api/sim/launch', { as: openid })
    const context = await isolatedContext(browser)
    const page = await context.newPage()
    await page.goto(
      new URL(`/app/?session=${session}&scene=1001#/pages/play/index`, server.url).href,
    )
    await page.locator('#start').click()
    const target = page.locator('#tap-target')
    await target.waitFor()
    const box = (await target.boundingBox())!
    const x = box.x + box.width / 2
    const y = box.y + box.height / 2

    const started = Date.now()
    let sent = 0
    while (Date.now() - started < BURST_MS) {
      await page.mouse.click(x, y)
      sent++
    }
    const elapsed = Date.now() - started
    const registered = Number(await page.locator('#taps').innerText())
    const rate = (n: number) => ((n * 1000) / elapsed).toFixed(0)
    console.log(
      `Taps on the play page of the H5 build (Chromium, real mouse input, ${elapsed} ms):`,
    )
    console.log(`  sent       ${sent} (${rate(sent)}/s)`)
    console.log(`  registered ${registered} (${rate(registered)}/s)`)
    console.log(`  human bound enforced by the server: ${MAX_TAPS_PER_SECOND}/s in any second`)
    await context.close()
  } finally {
    await browser.close()
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

void main()
