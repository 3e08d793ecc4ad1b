/**
 * The simulator's panel for subscribe messages (issue 15): the server's clock with "+1 天" and
 * "到下周一", the chosen member's 服务通知 list (subscribe messages the stand-in delivered), and
 * what the member's subscribe panel answers. Tapping a notice opens the app on the notice's page
 * with scene 1014, through the same delivery as a card.
 */
import { SHANGHAI_OFFSET_MS } from '../../../shared/ranking-window'
import type { ServiceNotice } from '../../wechat/stand-in'
import type { SimOpenResult } from './api-types'

export interface NoticesPanelHost {
  api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>
  /** The member at the keyboard (我是). */
  me(): string | null
  labelOf(openid: string): string
  deliver(openid: string, opened: SimOpenResult): void
  toast(text: string): void
}

const POLL_MS = 1000

function shanghaiTime(ms: number): string {
  const t = new Date(ms + SHANGHAI_OFFSET_MS)
  const weekday = '日一二三四五六'[t.getUTCDay()]
  return `${t.toISOString().slice(0, 16).replace('T', ' ')} 周${weekday}`
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  if (text) node.textContent = text
  return node
}

export function mountNoticesPanel(host: NoticesPanelHost): void {
  const panel = element('section', { class: 'notices-panel', 'data-testid': 'notices-panel' })
  const clock = element('span', { id: 'sim-clock', 'data-testid': 'sim-clock' })
  const plusDay = element('button', { type: 'button', 'data-testid': 'clock-plus-day' }, '+1 天')
  const nextMonday = element(
    'button',
    { type: 'button', 'data-testid': 'clock-next-monday' },
    '到下周一',
  )
  const choice = element('select', { 'data-testid': 'subscribe-choice' })
  for (const [value, label] of [
    ['accept', '订阅面板：允许'],
    ['reject', '订阅面板：取消'],
    ['always-accept', '允许 + 总是保持以上选择'],
    ['always-reject', '拒绝 + 总是保持以上选择'],
  ] as const) {
    choice.append(element('option', { value }, label))
  }
  const title = element('h3', {}, '服务通知')
  const list = element('ul', { class: 'service-notices', 'data-testid': 'service-notices' })
  const clockRow = element('div', { class: 'notices-panel__clock' }, '服务器时间 ')
  clockRow.append(clock, plusDay, nextMonday, choice)
  panel.append(clockRow, title, list)
  document.body.append(panel)

  let shown = ''
  const render = (now: number, notices: ServiceNotice[]) => {
    clock.textContent = shanghaiTime(now)
    const me = host.me()
    title.textContent = me ? `服务通知 · ${host.labelOf(me)}` : '服务通知'
    const key = `${me}|${notices.map((n) => n.id).join(',')}`
    if (key === shown) return
    shown = key
    list.replaceChildren(
      ...notices.map((notice) => {
        const item = element('li')
        const button = element('button', {
          type: 'button',
          class: 'service-notice',
          'data-testid': 'service-notice',
        })
        const lines = Object.values(notice.data).map((entry) => entry.value)
        button.textContent = `${shanghaiTime(notice.sentAt)} · ${lines.join(' · ')}`
        button.addEventListener('click', () => void open(notice.id))
        item.append(button)
        return item
      }),
    )
    if (notices.length === 0) list.append(element('li', { class: 'muted' }, '还没有通知'))
  }

  const refresh = async () => {
    const me = host.me()
    const answer = await host.api<{ now: number; notices: ServiceNotice[] }>(
      'GET',
      `/api/sim/notices${me ? `?as=${encodeURIComponent(me)}` : ''}`,
    )
    render(answer.now, answer.notices)
  }

  const open = async (noticeId: string) => {
    const me = host.me()
    if (!me) return
    try {
      const opened = await host.api<SimOpenResult>('POST', '/api/sim/open-notice', {
        noticeId,
        as: me,
      })
      host.deliver(me, opened)
    } catch (error) {
      host.toast((error as Error).message)
    }
  }

  const move = (to: 'day' | 'next-monday') => {
    plusDay.disabled = true
    nextMonday.disabled = true
    void host
      .api('POST', '/api/sim/clock', { move: to })
      .then(refresh)
      .catch((error: Error) => host.toast(error.message))
      .finally(() => {
        plusDay.disabled = false
        nextMonday.disabled = false
      })
  }
  plusDay.addEventListener('click', () => move('day'))
  nextMonday.addEventListener('click', () => move('next-monday'))
  choice.addEventListener('change', () => {
    const me = host.me()
    if (!me) return
    void host
      .api('POST', '/api/sim/subscribe-choice', { as: me, choice: choice.value })
      .catch((error: Error) => host.toast(error.message))
  })

  void refresh().catch(() => undefined)
  setInterval(() => void refresh().catch(() => undefined), POLL_MS)
}
