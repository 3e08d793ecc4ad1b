/**
 * What a screenshot's Chinese is drawn with: the fonts Chromium used for each element holding Han
 * text (DevTools protocol `CSS.getPlatformFontsForNode`,
 * https://chromedevtools.github.io/devtools-protocol/tot/CSS/#method-getPlatformFontsForNode), and
 * the drawn glyphs themselves compared with the missing-glyph drawing.
 */
import type { Page } from 'playwright-core'

/** PostScript names of Noto Sans SC as `@embedpdf/fonts-sc` ships it (NotoSansHans-Regular, …). */
export const CJK_FONT = /^NotoSansHans-/

const HAN = /\p{Script=Han}/u

/** The part of a DevTools protocol `DOM.Node` the walk reads. */
interface DomNode {
  nodeId: number
  nodeType: number
  nodeValue: string
  children?: DomNode[]
  shadowRoots?: DomNode[]
  contentDocument?: DomNode
}

export interface ChineseTextFonts {
  /** Elements with Han text that Chromium drew (hidden ones use no font and are left out). */
  drawn: number
  /** PostScript names of every font used in them, sorted. */
  fonts: string[]
}

/** The fonts used for the Han text of the page and of its same-process frames (the phone's app). */
export async function chineseTextFonts(page: Page): Promise<ChineseTextFonts> {
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('DOM.enable')
    await cdp.send('CSS.enable')
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true })
    const holders = new Set<number>()
    const walk = (node: DomNode, parent: DomNode | undefined) => {
      if (node.nodeType === 3 && parent && HAN.test(node.nodeValue)) holders.add(parent.nodeId)
      for (const child of node.children ?? []) walk(child, node)
      for (const shadow of node.shadowRoots ?? []) walk(shadow, node)
      if (node.contentDocument) walk(node.contentDocument, node)
    }
    walk(root, undefined)
    const fonts = new Set<string>()
    let drawn = 0
    for (const nodeId of holders) {
      const usage = await cdp.send('CSS.getPlatformFontsForNode', { nodeId })
      if (usage.fonts.length > 0) drawn += 1
      for (const font of usage.fonts) fonts.add(font.postScriptName)
    }
    return { drawn, fonts: [...fonts].sort() }
  } finally {
    await cdp.detach()
  }
}

/** A code point no font has a glyph for (plane 16 private use): it draws the missing-glyph box. */
export const NO_GLYPH = '\u{10FFFD}'

/**
 * Each character drawn alone in an equal box, as PNG bytes: a character without a glyph draws the
 * same pixels as {@link NO_GLYPH}.
 */
export async function glyphImages(page: Page, characters: string[]): Promise<Buffer[]> {
  await page.setContent(
    '<style>span{display:inline-block;width:64px;height:64px;font:48px/64px sans-serif;' +
      'text-align:center}</style>' +
      characters.map((character, i) => `<span id="glyph-${i}">${character}</span>`).join(''),
  )
  const images: Buffer[] = []
  for (const [i] of characters.entries()) {
    images.push(await page.locator(`#glyph-${i}`).screenshot())
  }
  return images
}
