/**
 * A small WeChat world for weapp flow tests: one mini program on the local stand-in, the real
 * cloud function on an in-memory SQLite store, groups of members who already set profiles and
 * played — through the same actions a phone would call.
 */
import { createCloudId } from '../../../local/wechat/cloud-id'
import { createLocalBackend, type LocalBackend } from '../../../local/wechat/local-backend'
import {
  createWeChatStandIn,
  type LaunchOptions,
  type WeChatStandIn,
} from '../../../local/wechat/stand-in'
import { CLOUD_FUNCTION_NAME, ROUND_DURATION_MS } from '../../../shared/contract'
import { evenTapTimeline } from '../../../shared/tap-timeline'
import { bootWeapp, type RenderedPage, type WeappApp } from './weapp-harness'
import { connectPhone, type WechatHost } from './wechat-host'
import { createWxStub, type WxStub } from './wx-stub'

export interface MemberSpec {
  label: string
  nickname?: string
  score?: number
}

export interface World {
  appid: string
  standIn: WeChatStandIn
  backend: LocalBackend
  /** The server clock; tests move it forward instead of waiting. */
  clock: { now: number }
  users: Map<string, string>
  groups: Map<string, string>
  createMember(label: string): string
  createGroup(name: string, memberLabels: string[]): string
  setProfile(label: string, nickname: string): Promise<void>
  play(label: string, score: number): Promise<void>
  /** `label` shares a ticket card into `group`, and `opener` taps it. */
  openGroupCard(group: string, sharer: string, opener: string): LaunchOptions
  /** `sharer` sends a ticket card to `opener` in a single chat, and `opener` taps it there. */
  openSingleChatCard(
    sharer: string,
    opener: string,
    options?: { os?: 'ios' | 'android'; path?: string },
  ): LaunchOptions
  call(label: string, data: Record<string, unknown>): Promise<unknown>
  close(): void
}

export function createWorld(): World {
  const clock = { now: Date.UTC(2026, 10, 18, 4, 0, 0) }
  const standIn = createWeChatStandIn({ clock: () => clock.now })
  const { appid } = standIn.registerApp()
  const backend = createLocalBackend({ dbPath: ':memory:', standIn, clock: () => clock.now })
  const users = new Map<string, string>()
  const groups = new Map<string, string>()

  const openidOf = (label: string): string => {
    const openid = users.get(label)
    if (!openid) throw new Error(`unknown member ${label}`)
    return openid
  }

  const call = async (label: string, data: Record<string, unknown>): Promise<unknown> => {
    const response = await backend.runtime.callFunction<{ ok: boolean; error?: unknown }>({
      appid,
      openid: openidOf(label),
      name: CLOUD_FUNCTION_NAME,
      data,
    })
    if (!response.result.ok) {
      throw new Error(
        `${String(data.action)} as ${label} failed: ${JSON.stringify(response.result)}`,
      )
    }
    return response.result
  }

  const world: World = {
    appid,
    standIn,
    backend,
    clock,
    users,
    groups,
    call,
    createMember(label) {
      const { openid } = standIn.createUser(appid, { label })
      users.set(label, openid)
      return openid
    },
    createGroup(name, memberLabels) {
      const group = standIn.createGroup(appid, { name })
      for (const label of memberLabels) standIn.addToGroup(group.chatId, openidOf(label))
      groups.set(name, group.chatId)
      return group.chatId
    },
    async setProfile(label, nickname) {
      await call(label, {
        action: 'updateProfile',
        nickname,
        avatarUrl: `cloud://local-env.6c6f-local-env/avatars/${encodeURIComponent(label)}.png`,
      })
    },
    async play(label, score) {
      const started = (await call(label, { action: 'startRound' })) as {
        data: { roundToken: string }
      }
      clock.now += ROUND_DURATION_MS + 200
      await call(label, {
        action: 'submitScore',
        roundToken: started.data.roundToken,
        score,
        requestId: `${label}-${clock.now}`,
        taps: evenTapTimeline(score, ROUND_DURATION_MS),
      })
      clock.now += 1000
    },
    openGroupCard(group, sharer, opener) {
      const chatId = groups.get(group)
      if (!chatId) throw new Error(`unknown group ${group}`)
      const card = standIn.shareCard(
        appid,
        openidOf(sharer),
        { groupChat: chatId },
        {
          withShareTicket: true,
          path: 'pages/ranking/index?from=share',
        },
      )
      return standIn.openCard(card, openidOf(opener))
    },
    openSingleChatCard(sharer, opener, options = {}) {
      const card = standIn.shareCard(
        appid,
        openidOf(sharer),
        { singleChatWith: openidOf(opener) },
        { withShareTicket: true, path: options.path ?? 'pages/ranking/index?from=share' },
      )
      return standIn.openCard(card, openidOf(opener), { os: options.os })
    },
    close() {
      backend.close()
    },
  }
  return world
}

/** Creates members, a group holding them, their profiles and scores, and binds them to the group. */
export async function populateGroup(
  world: World,
  group: string,
  members: MemberSpec[],
): Promise<void> {
  for (const member of members) {
    if (!world.users.has(member.label)) world.createMember(member.label)
  }
  world.createGroup(
    group,
    members.map((member) => member.label),
  )
  for (const member of members) {
    // Binding happens by opening a card of the group, as on a phone.
    const launch = world.openGroupCard(group, members[0].label, member.label)
    const info = world.standIn.getGroupEnterInfo(
      world.appid,
      world.users.get(member.label)!,
      launch.shareTicket,
    )
    if ('errCode' in info) throw new Error(`getGroupEnterInfo failed: ${info.errMsg}`)
    await world.call(member.label, { action: 'enterGroup', groupInfo: createCloudId(info.cloudID) })
    if (member.nickname) await world.setProfile(member.label, member.nickname)
    if (member.score !== undefined) await world.play(member.label, member.score)
  }
}

export interface Phone {
  stub: WxStub
  host: WechatHost
  weapp: WeappApp
  /** The ranking page, rendered as the app opens. */
  ranking: RenderedPage
}

export interface BootOptions {
  sdkVersion?: string
  /** Runs before the app loads: hold answers of the cold start (`stub.gate.hold(…)`), fail calls. */
  prepare?(phone: { stub: WxStub; host: WechatHost }): void
}

/**
 * Boots the compiled app on `label`'s phone, opened with `launch` (once per test file). The
 * ranking page opens with the card's query, as the host opens the card's path.
 */
export function bootPhone(
  world: World,
  label: string,
  launch: LaunchOptions,
  options: BootOptions = {},
): Phone {
  const openid = world.users.get(label)
  if (!openid) throw new Error(`unknown member ${label}`)
  const stub = createWxStub({ sdkVersion: options.sdkVersion })
  const host = connectPhone(stub, {
    standIn: world.standIn,
    runtime: world.backend.runtime,
    user: { appid: world.appid, openid },
  })
  options.prepare?.({ stub, host })
  const weapp = bootWeapp(stub, launch)
  return { stub, host, weapp, ranking: weapp.renderPage('pages/ranking/index', launch.query) }
}

export interface GroupPhoneSpec extends BootOptions {
  /** The groups, created in this order, with their members (see `populateGroup`). */
  groups: Record<string, MemberSpec[]>
  /** The member whose phone boots. */
  as: string
  /** The group whose ticket card opens the app, shared by the group's first member. */
  card: string
}

export interface GroupPhone extends Phone {
  world: World
}

/**
 * The usual fixture of a flow test: a new world with `groups` populated, then `as`'s phone
 * booted from a ticket card of `card` (once per test file; the caller closes the world).
 */
export async function phoneInGroups(spec: GroupPhoneSpec): Promise<GroupPhone> {
  const world = createWorld()
  for (const [group, members] of Object.entries(spec.groups)) {
    await populateGroup(world, group, members)
  }
  const sharer = (spec.groups[spec.card] ?? [])[0]
  if (!sharer) throw new Error(`no members of group ${spec.card} in the spec`)
  const launch = world.openGroupCard(spec.card, sharer.label, spec.as)
  return { world, ...bootPhone(world, spec.as, launch, spec) }
}

/**
 * The phone's wall clock (`Date.now`, what the app's `now()` reads) follows the world's clock
 * from here on: a test moves `world.clock.now` past midnight or past a CloudID's life and both
 * the server and the phone are there, with no timer involved. Undone by `jest.restoreAllMocks()`.
 */
export function phoneClockFollowsWorld(world: World): void {
  jest.spyOn(Date, 'now').mockImplementation(() => world.clock.now)
}

/** The first instant of the next day in Asia/Shanghai (UTC+8) after `now`. */
export function nextShanghaiMidnight(now: number): number {
  const day = 24 * 60 * 60 * 1000
  const offset = 8 * 60 * 60 * 1000
  return Math.floor((now + offset) / day) * day + day - offset
}
