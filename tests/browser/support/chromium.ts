/**
 * Debian's Chromium under playwright-core, as TESTING.md prescribes: no downloaded browser, a
 * fresh profile, and no request leaves 127.0.0.1 (host resolver rules plus a route filter).
 */
import { existsSync } from 'node:fs'

import { type Browser, type BrowserContext, chromium } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install chromium fonts-noto-cjk`)
  }
  // launch() gives each browser a fresh temporary user-data-dir.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  })
}

/** A context (one "device") whose requests may only reach 127.0.0.1. */
export async function isolatedContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    serviceWorkers: 'block',
  })
  await context.route('**/*', (route) => {
    const { hostname, protocol } = new URL(route.request().url())
    const local = hostname === '127.0.0.1' || protocol === 'data:' || protocol === 'blob:'
    return local ? route.continue() : route.abort('blockedbyclient')
  })
  return context
}
