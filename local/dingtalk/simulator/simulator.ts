/**
 * The DingTalk group-chat simulator: plays the DingTalk client of every corp member. It lists the
 * DingTalk groups of the member you are, and the group's app bar carries the cool app's entry;
 * tapping it opens the phone (an iframe of the H5 DingTalk build) at the entry URL the stand-in
 * filled ($CORPID$, $ENCCID$), signed in as you (`ddUser`, read by the injected `dd` JSAPI).
 *
 * Dependency-free on purpose (it shares `byId` and `api` with the WeChat simulator, page-kit.ts);
 * bundled with esbuild when the server starts.
 */
import { api, byId } from '../../server/simulator/page-kit'
import type { DingTalkSimGroup, DingTalkSimState, DingTalkSimStateGroup } from './api-types'

const AS_STORAGE_KEY = 'sim:dd-as'

let state: DingTalkSimState = { corpId: '', users: [], groups: [] }
let me: string | null = window.localStorage.getItem(AS_STORAGE_KEY)
let currentChatId: string | null = null

function nameOf(userId: string | null): string {
  return state.users.find((user) => user.userId === userId)?.name ?? userId ?? ''
}

function myGroups(): DingTalkSimStateGroup[] {
  return state.groups.filter((group) => me !== null && group.members.includes(me))
}

function render(): void {
  const select = byId<HTMLSelectElement>('dd-as')
  select.replaceChildren(
    ...state.users.map((user) => {
      const option = document.createElement('option')
      option.value = user.userId
      option.textContent = user.name
      option.selected = user.userId === me
      return option
    }),
  )
  const list = byId('dd-groups')
  list.replaceChildren(
    ...myGroups().map((group) => {
      const item = document.createElement('li')
      item.className = group.chatId === currentChatId ? 'is-active' : ''
      item.dataset.testid = 'dd-group'
      item.textContent = `${group.name}（${group.members.length}）`
      item.addEventListener('click', () => {
        currentChatId = group.chatId
        render()
      })
      return item
    }),
  )
  const group = myGroups().find((candidate) => candidate.chatId === currentChatId) ?? null
  byId('dd-chat-header').textContent = group ? `${group.name} · 群主 ${nameOf(group.owner)}` : ''
  byId('dd-chat-members').textContent = group ? group.members.map(nameOf).join('、') : ''
  byId<HTMLButtonElement>('dd-entry').disabled = group === null
}

async function refresh(): Promise<void> {
  state = await api<DingTalkSimState>('GET', '/api/dingtalk-sim/state')
  if (me === null || !state.users.some((user) => user.userId === me)) {
    me = state.users[0]?.userId ?? null
  }
  if (currentChatId === null || !myGroups().some((group) => group.chatId === currentChatId)) {
    currentChatId = myGroups()[0]?.chatId ?? null
  }
  render()
}

/** Cold start of the app from the cool-app entry, as the member you are. */
function openEntry(): void {
  const group = myGroups().find((candidate) => candidate.chatId === currentChatId)
  if (!group || me === null) return
  const url = `${group.entryUrl}&ddUser=${encodeURIComponent(me)}#/pages/ranking/index`
  const frame = document.createElement('iframe')
  frame.className = 'is-active'
  frame.dataset.testid = 'dd-app'
  frame.src = url
  byId('dd-phone-screen').replaceChildren(frame)
  byId('dd-phone-owner').textContent = nameOf(me)
}

function wire(): void {
  byId<HTMLSelectElement>('dd-as').addEventListener('change', (event) => {
    me = (event.target as HTMLSelectElement).value
    window.localStorage.setItem(AS_STORAGE_KEY, me)
    currentChatId = null
    void refresh()
  })
  byId('dd-seed-demo').addEventListener('click', () => {
    byId('dd-status').textContent = '正在创建示例钉钉群…'
    void api<DingTalkSimGroup>('POST', '/api/dingtalk-sim/demo', {})
      .then(async (group) => {
        currentChatId = group.chatId
        await refresh()
        byId('dd-status').textContent = `已创建「${group.name}」`
      })
      .catch((error: unknown) => {
        byId('dd-status').textContent = String(error)
      })
  })
  byId('dd-entry').addEventListener('click', openEntry)
}

wire()
void refresh()
