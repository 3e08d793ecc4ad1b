/**
 * One local preview per test file, looked at in Chromium: the server on a temporary data folder
 * and a clock the test moves, one browser, and a simulator page per member (each an isolated
 * "device"). `previewInBrowser` registers the jest hooks that start and stop it all.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import type { Browser } from 'playwright-core'

import { type LocalServer, startLocalServer } from '../../../local/server/server'
import { isolatedContext, launchChromium } from './chromium'
import { chineseTextFonts, CJK_FONT } from './fonts'
import { SimulatorPage } from './simulator-page'

const ROOT = join(__dirname, '..', '..', '..')
export const APP_DIR = join(ROOT, 'dist', 'h5')
export const DD_APP_DIR = join(ROOT, 'dist', 'h5-dd')
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'browser')

export interface OpenOptions {
  /** Fake timers in this "device" only, so a ten-second round can pass in an instant. */
  fakeClock?: boolean
  /** The simulator window's width (default 1400 × 900). */
  width?: number
}

export interface PreviewInBrowser {
  readonly browser: Browser
  readonly server: LocalServer
  /** Every simulator page opened so far: each must end every test without a page error. */
  readonly pages: SimulatorPage[]
  /** Moves the server's clock ahead of real time (a played round moves it by ten seconds). */
  advanceServer(ms: number): void
  /** Opens the simulator in a fresh context; `label` picks the member at the keyboard. */
  openAs(label?: string, options?: OpenOptions): Promise<SimulatorPage>
  /** Closes every page and the server, and starts the server again on the same data. */
  restartServer(): Promise<void>
}

export interface PreviewSetup {
  /** The temporary data folder's name prefix. */
  dataPrefix: string
  /** Serve the DingTalk H5 build (dist/h5-dd) too; it is then the build that must exist. */
  dingtalk?: boolean
}

export function previewInBrowser({ dataPrefix, dingtalk = false }: PreviewSetup): PreviewInBrowser {
  let browser: Browser
  let server: LocalServer
  let dataDir: string
  /** How far the server's clock is ahead of real time. */
  let serverClockOffset = 0
  const pages: SimulatorPage[] = []

  const start = (): Promise<LocalServer> =>
    startLocalServer({
      dataDir,
      appDir: APP_DIR,
      ...(dingtalk ? { dingtalkAppDir: DD_APP_DIR } : {}),
      port: 0,
      clock: () => Date.now() + serverClockOffset,
    })

  beforeAll(async () => {
    const [build, script] = dingtalk ? [DD_APP_DIR, 'build:h5-dd'] : [APP_DIR, 'build:h5']
    if (!existsSync(join(build, 'index.html'))) {
      throw new Error(
        `dist/${dingtalk ? 'h5-dd' : 'h5'} is missing: run \`npm run ${script}\` (npm run test:browser does)`,
      )
    }
    mkdirSync(ARTIFACTS, { recursive: true })
    dataDir = mkdtempSync(join(tmpdir(), dataPrefix))
    browser = await launchChromium()
    server = await start()
  })

  afterEach(() => {
    for (const page of pages) expect(page.errors).toEqual([])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  return {
    get browser() {
      return browser
    },
    get server() {
      return server
    },
    pages,
    advanceServer(ms) {
      serverClockOffset += ms
    },
    async openAs(label, options = {}) {
      const context = await isolatedContext(browser, { width: options.width ?? 1400, height: 900 })
      if (options.fakeClock) await context.clock.install()
      const page = await SimulatorPage.open(context, server.simulatorUrl, label)
      pages.push(page)
      return page
    },
    async restartServer() {
      for (const page of pages.splice(0)) await page.context.close()
      await server.close()
      server = await start()
    },
  }
}

/** A screenshot's Chinese is in the shipped CJK font (chinese-font.test.ts checks its glyphs). */
export async function expectChineseReadable(page: SimulatorPage): Promise<void> {
  const { drawn, fonts } = await chineseTextFonts(page.page)
  expect(drawn).toBeGreaterThan(0)
  for (const font of fonts) expect(font).toMatch(CJK_FONT)
}
