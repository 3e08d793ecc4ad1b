/**
 * The simulator page as a member uses it: who they are, their chats and cards, and their phone
 * (the H5 app in an iframe). Steps wait for what a person would wait for on screen.
 */
import type { BrowserContext, Frame, FrameLocator, Locator, Page } from 'playwright-core'

export const ROUND_MS = 10_000
/** A brisk human pace: about 7 taps a second. */
export const TAP_GAP_MS = 150

export class SimulatorPage {
  readonly errors: string[] = []

  private constructor(
    readonly page: Page,
    readonly context: BrowserContext,
  ) {
    page.on('pageerror', (error) => this.errors.push(error.message))
  }

  /** Opens the simulator; `as` (a label) picks the member at the keyboard when they exist. */
  static async open(context: BrowserContext, baseUrl: string, as?: string): Promise<SimulatorPage> {
    const page = await context.newPage()
    const simulator = new SimulatorPage(page, context)
    // `baseUrl` is the simulator URL that `npm start` prints, with its token.
    const url = new URL(baseUrl)
    if (as) url.searchParams.set('as', as)
    await page.goto(url.toString())
    await page.waitForSelector('body[data-ready="true"]')
    return simulator
  }

  /** The member's phone: the H5 app in the visible iframe. */
  get phone(): FrameLocator {
    return this.page.frameLocator('[data-testid="phone-app"]')
  }

  async phoneFrame(): Promise<Frame> {
    const handle = await this.page.locator('[data-testid="phone-app"]').elementHandle()
    const frame = await handle?.contentFrame()
    if (!frame) throw new Error('no phone is open')
    return frame
  }

  async addMember(label: string): Promise<void> {
    await this.page.getByTestId('new-member-name').fill(label)
    await this.page.getByTestId('add-member').click()
    await this.page
      .locator(`#as-member option[data-label="${label}"]`)
      .waitFor({ state: 'attached' })
  }

  async createGroup(name: string, otherMembers: string[]): Promise<void> {
    await this.page.getByTestId('new-group-name').fill(name)
    for (const label of otherMembers) {
      await this.page.getByTestId(`new-group-member-${label}`).check()
    }
    await this.page.getByTestId('create-group').click()
    await this.chatListItem(name).waitFor()
  }

  chatListItem(groupName: string): Locator {
    return this.page.locator(`[data-testid^="chat-"][data-chat-name="${groupName}"]`)
  }

  async openChat(groupName: string): Promise<void> {
    await this.chatListItem(groupName).click()
    await this.page.getByTestId('chat-title').filter({ hasText: groupName }).waitFor()
  }

  cards(): Locator {
    return this.page.locator('[data-card]')
  }

  /** Taps the newest card in the open chat. */
  async tapLatestCard(): Promise<void> {
    await this.cards().last().click()
  }

  /** Opens the mini program without a card (scene 1001). */
  async launchApp(): Promise<void> {
    await this.page.getByTestId('launch-app').click()
  }

  /** Picks the chat in WeChat's "send to" sheet after a share. */
  async shareTo(targetText: string): Promise<void> {
    const picker = this.page.getByTestId('share-picker')
    await picker.waitFor()
    await picker.getByRole('button', { name: targetText, exact: true }).click()
    await picker.waitFor({ state: 'hidden' })
  }

  async back(): Promise<void> {
    await this.page.getByTestId('phone-back').click()
  }

  async setProfile(nickname: string, avatar: Buffer): Promise<void> {
    await this.phone.locator('#edit-profile').click()
    await this.phone.locator('#avatar-file').setInputFiles({
      name: 'avatar.png',
      mimeType: 'image/png',
      buffer: avatar,
    })
    await this.phone.locator('#nickname input').fill(nickname)
    await this.phone.locator('#save-profile').click()
    await this.phone.locator('#profile-saved').waitFor()
    await this.back()
  }

  /**
   * Plays one round with `taps` taps, paced like a person (one every `TAP_GAP_MS` on the page's
   * clock: the play page records that timeline and the server checks it). Ten seconds pass for
   * both sides: the page's clock (Playwright's fake clock, which drives the round's timer) and
   * the server's (`advanceServer`).
   */
  async playRound(taps: number, advanceServer: (ms: number) => void): Promise<void> {
    if (taps * TAP_GAP_MS >= ROUND_MS) throw new Error(`${taps} taps do not fit in one round`)
    await this.phone.locator('#play').click()
    await this.phone.locator('#start').click()
    const target = this.phone.locator('#tap-target')
    await target.waitFor()
    for (let tap = 0; tap < taps; tap++) {
      await this.page.clock.runFor(TAP_GAP_MS)
      await target.click()
    }
    advanceServer(ROUND_MS)
    await this.page.clock.fastForward(ROUND_MS - taps * TAP_GAP_MS)
    await this.phone
      .locator('#result')
      .filter({ hasText: `本局 ${taps} 次` })
      .waitFor()
    await this.phone.locator('#back-to-ranking').click()
  }

  /** Ranking as shown: podium and rows, in rank order, as "rank name score". */
  async rankingLines(): Promise<string[]> {
    const frame = await this.phoneFrame()
    return frame.evaluate(() => {
      const text = (root: Element, selector: string) =>
        root.querySelector(selector)?.textContent?.trim() ?? ''
      const podium = Array.from(document.querySelectorAll('.podium__place')).map((place) => ({
        rank: Number(text(place, '.podium__rank')),
        line: `${text(place, '.podium__rank')} ${text(place, '.podium__name')} ${text(place, '.podium__score')}`,
      }))
      const rows = Array.from(document.querySelectorAll('.ranking__rows .ranking-row')).map(
        (row) => ({
          rank: Number(text(row, '.ranking-row__rank')),
          line: `${text(row, '.ranking-row__rank')} ${text(row, '.ranking-row__name')} ${text(row, '.ranking-row__score')}`,
        }),
      )
      return [...podium, ...rows].sort((a, b) => a.rank - b.rank).map((entry) => entry.line)
    })
  }
}
