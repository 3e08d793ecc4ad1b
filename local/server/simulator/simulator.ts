/**
 * The group-chat simulator: plays the WeChat client of every member. It lists the chats of the
 * member you are, shows the app cards posted there, and gives each member a phone (an iframe of
 * the H5 build). Tapping a card asks the server's stand-in to open it (`openCard`: scene 1044 and
 * a fresh shareTicket in a group, 1007 in a single chat) and hands the launch options to that
 * member's phone:
 * - cold start: the phone loads `/app/?session&scene&shareTicket#/<path>?<query>`;
 * - hot start (the app is already running on that phone): a `wechat:enter` message, which the app
 *   turns into the same onShow path a phone takes.
 * Shares from inside the app arrive as `wechat:share` messages; the member picks a chat and the
 * card is posted there through the stand-in.
 *
 * No libraries on purpose (only the pure name rule it shares with the server, and page-kit.ts with
 * the DingTalk simulator); bundled with esbuild when the server starts.
 */
import type { SharePayload } from '../../../src/core/share-payload'
import { HOST_MESSAGE } from '../../host-protocol'
import type { SeedResult } from '../seed'
import type {
  ShareTargetRequest,
  SimChat,
  SimLaunchOptions,
  SimOpenResult,
  SimState,
} from './api-types'
import { checkSimName } from './names'
import { mountNoticesPanel } from './notices-panel'
import { api, byId } from './page-kit'

interface Phone {
  openid: string
  frame: HTMLIFrameElement
  ready: boolean
  withShareTicket: boolean
  /** Closed with the capsule's ◉: still running, hidden, and the next card is a hot start. */
  inBackground: boolean
  /** The session the running app was started with (its `?session=`). */
  session: string
}

const POLL_MS = 1500
const AS_STORAGE_KEY = 'sim:as'

let state: SimState | null = null
let me: string | null = null
let currentChatId: string | null = null
const phones = new Map<string, Phone>()
let pendingShare: {
  openid: string
  payload: SharePayload
  ticket: boolean
} | null = null

type Child = Node | string | null | undefined | false

function h(
  tag: string,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElement {
  const element = document.createElement(tag)
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) element.setAttribute(key, value)
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    element.append(child)
  }
  return element
}

function toast(text: string): void {
  const element = h('div', { class: 'toast', role: 'alert' }, text)
  document.body.append(element)
  setTimeout(() => element.remove(), 2500)
}

/** The line under a form: what was done, or why nothing was (in red). Stays until the next try. */
function formMessage(id: string, text: string, kind: 'ok' | 'error'): void {
  const element = byId(id)
  element.textContent = text
  element.classList.toggle('is-error', kind === 'error')
}

function setStatus(text: string): void {
  byId('status').textContent = text
}

function labelOf(openid: string): string {
  return state?.members.find((m) => m.openid === openid)?.label ?? openid.slice(0, 6)
}

function colourOf(openid: string): string {
  let hash = 0
  for (const char of openid) hash = (hash * 31 + char.charCodeAt(0)) | 0
  return `hsl(${Math.abs(hash) % 360} 55% 48%)`
}

function badge(openid: string): HTMLElement {
  const label = labelOf(openid)
  return h(
    'span',
    { class: 'badge', style: `background:${colourOf(openid)}`, title: label },
    [...label][0] ?? '?',
  )
}

function chatTitle(chat: SimChat): string {
  if (chat.kind === 'group') return `${chat.name ?? '群聊'}（${chat.members.length}）`
  const other = chat.members.find((m) => m !== me) ?? chat.members[0] ?? ''
  return `私聊 · ${labelOf(other)}`
}

function myChats(): SimChat[] {
  if (!state || !me) return []
  const mine = me
  return state.chats.filter((chat) => chat.members.includes(mine))
}

// ---------- rendering ----------

function renderMembers(): void {
  const select = byId<HTMLSelectElement>('as-member')
  select.replaceChildren(
    h('option', { value: '' }, '— 选择成员 —'),
    ...(state?.members ?? []).map((member) =>
      h(
        'option',
        {
          value: member.openid,
          'data-label': member.label,
          ...(member.openid === me ? { selected: '' } : {}),
        },
        member.label,
      ),
    ),
  )
  const checklist = byId('new-group-members')
  checklist.replaceChildren(
    ...(state?.members ?? [])
      .filter((member) => member.openid !== me)
      .map((member) =>
        h(
          'label',
          {},
          h('input', {
            type: 'checkbox',
            value: member.openid,
            'data-testid': `new-group-member-${member.label}`,
          }),
          ` ${member.label}`,
        ),
      ),
  )
}

function renderChatList(): void {
  const list = byId('chat-list')
  const chats = myChats()
  if (!me) {
    const noMembers = (state?.members.length ?? 0) === 0
    list.replaceChildren(
      h(
        'li',
        { class: 'muted' },
        noMembers ? '还没有成员：打开示例群，或在下面添加成员' : '先在顶部的「我是」选一位成员',
      ),
    )
    return
  }
  list.replaceChildren(
    ...chats.map((chat) => {
      const item = h(
        'li',
        {
          'data-testid': `chat-${chat.chatId}`,
          'data-chat-name': chat.name ?? '',
          'data-chat-kind': chat.kind,
          class: chat.chatId === currentChatId ? 'is-active' : undefined,
        },
        h('span', {}, chatTitle(chat)),
        h('span', { class: 'muted' }, chat.cards.length > 0 ? `${chat.cards.length} 张卡片` : ''),
      )
      item.addEventListener('click', () => {
        currentChatId = chat.chatId
        renderChat()
        renderChatList()
      })
      return item
    }),
  )
  if (chats.length === 0) list.append(h('li', { class: 'muted' }, '还没有聊天：创建一个群'))
}

function renderChat(): void {
  const header = byId('chat-header')
  const messages = byId('chat-messages')
  const chat = myChats().find((c) => c.chatId === currentChatId)
  if (!chat || !me) {
    header.replaceChildren(
      h('span', { class: 'muted' }, me ? '选择一个聊天' : '欢迎：先看看示例群'),
    )
    messages.replaceChildren(welcomePanel())
    return
  }
  const addable = (state?.members ?? []).filter((m) => !chat.members.includes(m.openid))
  const addSelect = h(
    'select',
    { 'data-testid': 'group-add-select' },
    ...addable.map((m) => h('option', { value: m.openid }, m.label)),
  ) as HTMLSelectElement
  const addButton = h('button', { type: 'button', 'data-testid': 'group-add-member' }, '拉人进群')
  addButton.addEventListener('click', () => {
    if (!addSelect.value) return
    void api('POST', '/api/sim/group-members', { chatId: chat.chatId, openid: addSelect.value })
      .then(refresh)
      .catch((error: Error) => toast(error.message))
  })
  const leaveButton = h('button', { type: 'button', 'data-testid': 'group-leave' }, '退出群聊')
  leaveButton.addEventListener('click', () => {
    void api('POST', '/api/sim/group-members', { chatId: chat.chatId, openid: me, remove: true })
      .then(refresh)
      .catch((error: Error) => toast(error.message))
  })
  header.replaceChildren(
    h('strong', { 'data-testid': 'chat-title' }, chatTitle(chat)),
    h('span', { class: 'muted' }, chat.members.map(labelOf).join('、')),
    ...(chat.kind === 'group' ? [addSelect, addButton, leaveButton] : []),
  )

  if (chat.cards.length === 0) {
    messages.replaceChildren(h('p', { class: 'system-note' }, '还没有消息'))
    return
  }
  messages.replaceChildren(
    ...chat.cards.map((card) => {
      const cardButton = h(
        'button',
        {
          class: 'card',
          type: 'button',
          'data-testid': `card-${card.cardId}`,
          'data-card': card.cardId,
          'data-ticket': String(card.withShareTicket),
        },
        h('div', { class: 'card__app' }, '群排行榜'),
        h('div', { class: 'card__title' }, card.title ?? '群排行榜'),
        h('div', { class: 'card__cover' }, '群排行榜'),
        h('div', { class: 'card__footer' }, card.withShareTicket ? '小程序 · 带群信息' : '小程序'),
      )
      cardButton.addEventListener('click', () => void openCard(card.cardId))
      return h(
        'div',
        { class: `message${card.fromOpenid === me ? ' is-mine' : ''}` },
        badge(card.fromOpenid),
        h('div', {}, h('div', { class: 'message__sender' }, labelOf(card.fromOpenid)), cardButton),
      )
    }),
  )
  messages.scrollTop = messages.scrollHeight
}

/**
 * The first screen: one button to the demo group (created once, then reused) with the card already
 * tapped, and in a sentence what each part of the page is.
 */
function welcomePanel(): HTMLElement {
  const open = h(
    'button',
    { type: 'button', class: 'welcome__button', 'data-testid': 'welcome-demo' },
    '打开示例群「周末跑团」（30 人，已有成绩）',
  )
  open.addEventListener('click', () => void openDemoGroup())
  return h(
    'div',
    { class: 'welcome', 'data-testid': 'welcome' },
    h('h2', {}, '群排行榜 · 本地微信模拟器'),
    h(
      'p',
      {},
      '左边是微信的聊天列表，中间是聊天，右边是这位成员的手机。在群里点开小程序卡片，就进入这个群的排行榜。',
    ),
    open,
    h(
      'p',
      { class: 'muted' },
      '也可以自己来：在「新成员」里加几个人，在「新群聊」里建群，再在小程序里点「分享到群」。用顶部的「我是」换一位成员。',
    ),
  )
}

/** The demo group (seeded once), as its first member, with its card tapped: the ranking on the phone. */
async function openDemoGroup(): Promise<void> {
  setStatus('正在打开示例群…')
  try {
    const seeded = await api<SeedResult>('POST', '/api/sim/seed', {})
    await refresh()
    chooseMe(seeded.members[0] ?? null)
    currentChatId = seeded.chatId
    renderAll()
    await openCard(seeded.cardId)
    setStatus(`已打开示例群，你是「${labelOf(seeded.members[0] ?? '')}」：用「我是」换一位成员`)
  } catch (error) {
    setStatus((error as Error).message)
  }
}

function renderPhones(): void {
  for (const phone of phones.values()) {
    const active = phone.openid === me && !phone.inBackground
    phone.frame.classList.toggle('is-active', active)
    phone.frame.setAttribute('data-testid', active ? 'phone-app' : 'phone-app-background')
  }
  const visible = me !== null && phones.has(me) && !phones.get(me)!.inBackground
  byId('phone-idle').hidden = visible
  byId('phone-owner').textContent = me ? `${labelOf(me)} 的手机` : ''
}

/**
 * WeChat, not the mini program, draws the navigation bar: title from the page, a back arrow when
 * the page stack is deeper than one (Taro's H5 router keeps stacked pages as `.taro_page`).
 */
function updateNavigationBar(): void {
  const phone = me ? phones.get(me) : undefined
  const view = phone && !phone.inBackground ? phone.frame.contentWindow : null
  let title = ''
  let depth = 0
  try {
    title = view?.document.title ?? ''
    depth = view?.document.querySelectorAll('.taro_page').length ?? 0
  } catch {
    // Not loaded yet.
  }
  byId('phone-title').textContent = title
  byId('phone-back').hidden = depth < 2
}

function renderAll(): void {
  renderMembers()
  renderChatList()
  renderChat()
  renderPhones()
}

// ---------- state ----------

async function refresh(): Promise<void> {
  const next = await api<SimState>('GET', '/api/sim/state')
  const changed = state === null || next.version !== state.version
  state = next
  if (me && !state.members.some((m) => m.openid === me)) me = null
  if (changed) renderAll()
}

function chooseMe(openid: string | null): void {
  me = openid
  if (openid) localStorage.setItem(AS_STORAGE_KEY, openid)
  const chats = myChats()
  if (!chats.some((c) => c.chatId === currentChatId)) currentChatId = chats[0]?.chatId ?? null
  renderAll()
}

/** `?as=` takes a label or an openid, so tests and links can say who is at the keyboard. */
function initialMe(): string | null {
  const wanted =
    new URLSearchParams(location.search).get('as') ?? localStorage.getItem(AS_STORAGE_KEY)
  if (!state) return null
  const found = wanted
    ? state.members.find((m) => m.openid === wanted || m.label === wanted)
    : undefined
  if (found) return found.openid
  // A first visit (e.g. after `--seed`) opens as someone who is in a group chat, so the first
  // look is a chat with a card to tap rather than an empty page.
  const inAGroup = state.chats.find((chat) => chat.kind === 'group')?.members[0]
  return inAGroup ?? state.members[0]?.openid ?? null
}

// ---------- phones ----------

function appUrl(session: string, launch: SimLaunchOptions): string {
  const search = new URLSearchParams({ session, scene: String(launch.scene) })
  if (launch.shareTicket) search.set('shareTicket', launch.shareTicket)
  search.set('sdk', byId<HTMLSelectElement>('sdk').value)
  const query = new URLSearchParams(launch.query).toString()
  return `/app/?${search.toString()}#/${launch.path}${query ? `?${query}` : ''}`
}

/**
 * The phone's browser plays a touchscreen: Taro's H5 button submits its form on `touchend`,
 * which a mouse never produces, so a mouse click on a submit button is turned into that tap.
 * Real touch input (and Playwright's `tap`) already fires touchend and is left alone.
 */
function emulateTouchSubmit(frame: HTMLIFrameElement): void {
  const view = frame.contentWindow
  if (!view) return
  view.document.addEventListener(
    'click',
    (event) => {
      if ((event as PointerEvent).pointerType === 'touch') return
      const target = event.target as Element | null
      const button = target?.closest?.('taro-button-core[form-type="submit"]')
      if (!button) return
      const TouchEventCtor = (view as unknown as { TouchEvent: typeof TouchEvent }).TouchEvent
      button.dispatchEvent(new TouchEventCtor('touchend', { bubbles: true, composed: true }))
    },
    true,
  )
}

function createPhone(openid: string, session: string, url: string): Phone {
  const frame = document.createElement('iframe')
  frame.setAttribute('data-phone', openid)
  frame.setAttribute('title', `${labelOf(openid)} 的手机`)
  frame.src = url
  const phone: Phone = {
    openid,
    frame,
    ready: false,
    withShareTicket: false,
    inBackground: false,
    session,
  }
  // Not "ready" again here: the app may announce itself before the frame's load event fires.
  frame.addEventListener('load', () => emulateTouchSubmit(frame))
  byId('phone-screen').append(frame)
  phones.set(openid, phone)
  return phone
}

function deliver(openid: string, opened: SimOpenResult): void {
  const existing = phones.get(openid)
  if (existing) existing.inBackground = false
  // A hot start keeps the running app's session; when the server replaced it (it expired), the
  // app could only answer 401, so the phone starts cold with the new one.
  if (existing?.ready && existing.frame.contentWindow && existing.session === opened.session) {
    // Hot start: the app is running on this phone; it takes the new options through onShow.
    existing.frame.contentWindow.postMessage(
      { type: HOST_MESSAGE.enter, launch: opened.launch },
      location.origin,
    )
  } else if (existing) {
    existing.ready = false
    existing.session = opened.session
    existing.frame.src = appUrl(opened.session, opened.launch)
  } else {
    createPhone(openid, opened.session, appUrl(opened.session, opened.launch))
  }
  renderPhones()
}

async function openCard(cardId: string): Promise<void> {
  if (!me) return
  try {
    const os = byId<HTMLSelectElement>('os').value
    const opened = await api<SimOpenResult>('POST', '/api/sim/open-card', { cardId, as: me, os })
    setStatus(
      `${labelOf(me)} 点开卡片：scene ${opened.launch.scene}${opened.launch.shareTicket ? ' + shareTicket' : ''}`,
    )
    deliver(me, opened)
  } catch (error) {
    toast((error as Error).message)
  }
}

async function launchApp(): Promise<void> {
  if (!me) return
  const opened = await api<SimOpenResult>('POST', '/api/sim/launch', { as: me })
  setStatus(`${labelOf(me)} 打开小程序：scene ${opened.launch.scene}`)
  deliver(me, opened)
}

function phoneOf(source: MessageEventSource | null): Phone | null {
  for (const phone of phones.values()) {
    if (phone.frame.contentWindow === source) return phone
  }
  return null
}

function openSharePicker(openid: string, payload: SharePayload, ticket: boolean): void {
  pendingShare = { openid, payload, ticket }
  byId('share-title').textContent = `「${payload.title}」`
  const targets = byId('share-targets')
  const chats = (state?.chats ?? []).filter((c) => c.kind === 'group' && c.members.includes(openid))
  const others = (state?.members ?? []).filter((m) => m.openid !== openid)
  const option = (testid: string, text: string, target: ShareTargetRequest) => {
    const button = h('button', { type: 'button', 'data-testid': testid }, text)
    button.addEventListener('click', () => void share(target))
    return h('li', {}, button)
  }
  targets.replaceChildren(
    ...chats.map((c) =>
      option(`share-target-${c.chatId}`, `群 · ${c.name ?? '群聊'}`, { chatId: c.chatId }),
    ),
    ...others.map((m) =>
      option(`share-target-single-${m.label}`, `私聊 · ${m.label}`, { singleChatWith: m.openid }),
    ),
  )
  byId<HTMLDialogElement>('share-picker').showModal()
}

async function share(target: ShareTargetRequest): Promise<void> {
  const pending = pendingShare
  byId<HTMLDialogElement>('share-picker').close()
  if (!pending) return
  pendingShare = null
  try {
    const posted = await api<{ chatId: string }>('POST', '/api/sim/share', {
      as: pending.openid,
      target,
      title: pending.payload.title,
      path: pending.payload.path,
      withShareTicket: pending.ticket,
    })
    await refresh()
    if (pending.openid === me) {
      currentChatId = posted.chatId
      renderChatList()
      renderChat()
    }
    toast('已发送')
  } catch (error) {
    toast((error as Error).message)
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  if (event.origin !== location.origin) return
  const phone = phoneOf(event.source)
  if (!phone) return
  const data = event.data as { type?: string; withShareTicket?: boolean; payload?: unknown }
  if (data.type === HOST_MESSAGE.ready) {
    phone.ready = true
  } else if (data.type === HOST_MESSAGE.shareMenu) {
    phone.withShareTicket = data.withShareTicket === true
  } else if (data.type === HOST_MESSAGE.share) {
    const payload = data.payload as { title?: unknown; path?: unknown } | null
    if (!payload || typeof payload.title !== 'string' || typeof payload.path !== 'string') {
      toast('当前页面没有开启转发')
      return
    }
    const ticket = data.withShareTicket === true || phone.withShareTicket
    openSharePicker(phone.openid, { title: payload.title, path: payload.path }, ticket)
  }
})

// ---------- controls ----------

function wireControls(): void {
  byId<HTMLSelectElement>('as-member').addEventListener('change', (event) => {
    chooseMe((event.target as HTMLSelectElement).value || null)
  })
  byId<HTMLFormElement>('member-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const input = byId<HTMLInputElement>('new-member-name')
    const checked = checkSimName(
      input.value,
      'member',
      (state?.members ?? []).map((member) => member.label),
    )
    if (!checked.ok) {
      formMessage('member-form-message', checked.message, 'error')
      return
    }
    void api<{ openid: string; label: string }>('POST', '/api/sim/members', { label: checked.name })
      .then(async (created) => {
        input.value = ''
        await refresh()
        if (!me) chooseMe(created.openid)
        formMessage('member-form-message', `已添加「${created.label}」`, 'ok')
      })
      .catch((error: Error) => formMessage('member-form-message', error.message, 'error'))
  })
  byId<HTMLFormElement>('group-form').addEventListener('submit', (event) => {
    event.preventDefault()
    if (!me) {
      formMessage('group-form-message', '先在顶部的「我是」选一位成员：群由他来建', 'error')
      return
    }
    const input = byId<HTMLInputElement>('new-group-name')
    const checked = checkSimName(input.value, 'group')
    if (!checked.ok) {
      formMessage('group-form-message', checked.message, 'error')
      return
    }
    const picked = Array.from(byId('new-group-members').querySelectorAll('input:checked')).map(
      (box) => (box as HTMLInputElement).value,
    )
    void api<{ chatId: string }>('POST', '/api/sim/groups', {
      name: checked.name,
      members: [me, ...picked],
    })
      .then(async (created) => {
        input.value = ''
        currentChatId = created.chatId
        await refresh()
        renderAll()
        formMessage(
          'group-form-message',
          `已创建「${checked.name}」（${picked.length + 1} 人）并打开了它的聊天`,
          'ok',
        )
      })
      .catch((error: Error) => formMessage('group-form-message', error.message, 'error'))
  })
  byId('launch-app').addEventListener('click', () => void launchApp())
  byId('seed-demo').addEventListener('click', () => {
    setStatus('正在创建示例群…')
    // The demo group is exactly its thirty members; the keyboard becomes the first of them.
    void api<{ chatId: string; members: string[] }>('POST', '/api/sim/seed', {})
      .then(async (seeded) => {
        await refresh()
        chooseMe(seeded.members[0] ?? null)
        currentChatId = seeded.chatId
        renderAll()
        setStatus('示例群已就绪：点开群里的卡片')
      })
      .catch((error: Error) => setStatus(error.message))
  })
  byId('capsule-share').addEventListener('click', () => {
    const phone = me ? phones.get(me) : undefined
    phone?.frame.contentWindow?.postMessage({ type: HOST_MESSAGE.requestShare }, location.origin)
  })
  byId('phone-back').addEventListener('click', () => {
    const phone = me ? phones.get(me) : undefined
    // Taro's hash router turns history navigation into navigateBack.
    phone?.frame.contentWindow?.history.back()
  })
  byId('capsule-close').addEventListener('click', () => {
    // The app goes to the background: the phone keeps it, the next card tap is a hot start.
    const phone = me ? phones.get(me) : undefined
    if (phone) phone.inBackground = true
    renderPhones()
  })
  byId('share-cancel').addEventListener('click', () => {
    pendingShare = null
  })
}

async function main(): Promise<void> {
  wireControls()
  await refresh()
  chooseMe(initialMe())
  setInterval(updateNavigationBar, 250)
  mountNoticesPanel({ api, me: () => me, labelOf, deliver, toast })
  document.body.setAttribute('data-ready', 'true')
  setInterval(() => {
    refresh().catch(() => setStatus('本地服务器没有响应'))
  }, POLL_MS)
}

void main()
