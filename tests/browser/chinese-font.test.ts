// Seam: the browser of the browser tests (Chromium and Noto Sans SC from npm): Chinese has glyphs.
import type { Browser, Page } from 'playwright-core'

import { launchChromium } from './support/chromium'
import { chineseTextFonts, CJK_FONT, glyphImages, NO_GLYPH } from './support/fonts'

jest.setTimeout(60_000)

const WORD = ['排', '行', '榜']

async function withBrowser<T>(cjkFont: boolean, run: (page: Page) => Promise<T>): Promise<T> {
  let browser: Browser | undefined
  try {
    browser = await launchChromium({ cjkFont })
    return await run(await browser.newPage())
  } finally {
    await browser?.close()
  }
}

async function render(page: Page) {
  await page.setContent(`<h1 style="font-family: sans-serif">${WORD.join('')}</h1>`)
  const fonts = await chineseTextFonts(page)
  const [missing, ...glyphs] = await glyphImages(page, [NO_GLYPH, ...WORD])
  return { fonts, missing: missing!, glyphs }
}

it('draws 排行榜 in Noto Sans SC: three distinct glyphs, none the missing-glyph box', async () => {
  const { fonts, missing, glyphs } = await withBrowser(true, render)

  expect(fonts.drawn).toBe(1)
  expect(fonts.fonts).toEqual([expect.stringMatching(CJK_FONT)])
  for (const glyph of glyphs) expect(glyph.equals(missing)).toBe(false)
  expect(new Set(glyphs.map((glyph) => glyph.toString('base64'))).size).toBe(WORD.length)
})

it('sees the glyphs missing in a browser given only a Latin font (the control)', async () => {
  const { fonts, missing, glyphs } = await withBrowser(false, render)

  expect(fonts.drawn).toBe(1)
  expect(fonts.fonts).toEqual([expect.stringMatching(/^OpenSans-/)])
  for (const glyph of glyphs) expect(glyph.equals(missing)).toBe(true)
})
