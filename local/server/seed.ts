/**
 * The demo group, so that the first look is not empty: about thirty members with nicknames,
 * locally drawn avatars and scores — all through the paths a phone takes. Every member taps a
 * ticket card (shareTicket → getGroupEnterInfo → CloudID → enterGroup), saves a profile with an
 * avatar from the same file storage uploads use, and plays a round through startRound and
 * submitScore. Nothing is written into SQLite directly.
 *
 * Rounds last ten seconds and the server refuses early submissions, so the seed runs on its own
 * function runtime whose clock is injected: each round starts ten seconds "before" it is
 * submitted, in the recent past, while the server's clock is left alone.
 */
import {
  CLOUD_FUNCTION_NAME,
  type Envelope,
  type Round,
  ROUND_DURATION_MS,
} from '../../shared/contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { buildSharePayload } from '../../src/core/share-payload'
import { createCloudId } from '../wechat/cloud-id'
import type { LocalFunctionRuntime } from '../wechat/function-runtime'
import { isWxApiError, type WeChatStandIn } from '../wechat/stand-in'
import { identiconPng } from './avatars'
import type { FileStorage } from './file-storage'

export const DEMO_GROUP_NAME = '周末跑团'

const DEMO_NICKNAMES = [
  '小林',
  '阿杰',
  'Momo',
  '老王',
  '晴天',
  '跑跑',
  '橙子',
  'Kiki',
  '大熊',
  '豆豆',
  '小鱼',
  'Leo',
  '安安',
  '木木',
  '七七',
  '阿飞',
  '糖糖',
  'Zoe',
  '小雨',
  '果果',
  '阿泽',
  '乐乐',
  'Nina',
  '土豆',
  '星星',
  '小北',
  '可乐',
  'Max',
  '团子',
  '夏天',
] as const

/** Members at the end of the list join and set a profile but never play: not everyone does. */
const MEMBERS_WITHOUT_SCORE = 3

export interface SeedRuntime {
  runtime: LocalFunctionRuntime
  /** Moves the seed runtime's clock (and only its clock). */
  setNow(now: number): void
  close(): void
}

export interface SeedOptions {
  standIn: WeChatStandIn
  appid: string
  files: FileStorage
  /** Opens a function runtime on the same store and stand-in, with a clock the seed controls. */
  openSeedRuntime(): SeedRuntime
  /** Real time; the demo rounds are placed in the minutes before it. */
  now: number
  size?: number
}

export interface SeedResult {
  chatId: string
  opengid: string
  cardId: string
  members: string[]
}

/** A score that looks like a real spread of 10-second tap counts, the same on every seed. */
function demoScore(index: number): number {
  return 28 + ((index * 37 + 11) % 61)
}

export async function seedDemoGroup(options: SeedOptions): Promise<SeedResult> {
  const { standIn, appid, files } = options
  const size = Math.min(options.size ?? DEMO_NICKNAMES.length, DEMO_NICKNAMES.length)
  const nicknames = DEMO_NICKNAMES.slice(0, size)
  const users = nicknames.map((label) => standIn.createUser(appid, { label }))
  const members = users.map((user) => user.openid)
  const group = standIn.createGroup(appid, { name: DEMO_GROUP_NAME, members })
  const sharer = users[0]!.openid
  const card = standIn.shareCard(
    appid,
    sharer,
    { groupChat: group },
    { withShareTicket: true, ...buildSharePayload({ myBest: null, period: 'all' }) },
  )

  const seed = options.openSeedRuntime()
  const call = async <T = unknown>(openid: string, data: Record<string, unknown>): Promise<T> => {
    const { result } = await seed.runtime.callFunction<Envelope<T>>({
      appid,
      openid,
      name: CLOUD_FUNCTION_NAME,
      data,
    })
    if (!result.ok) {
      throw new Error(`seed: ${String(data.action)} failed: ${JSON.stringify(result.error)}`)
    }
    return result.data
  }

  try {
    const firstRoundAt = options.now - (users.length + 1) * (ROUND_DURATION_MS + 1_000)
    for (const [index, user] of users.entries()) {
      const roundStart = firstRoundAt + index * (ROUND_DURATION_MS + 1_000)
      seed.setNow(roundStart - 1_000)
      const launch = standIn.openCard(card, user.openid)
      const info = standIn.getGroupEnterInfo(appid, user.openid, launch.shareTicket)
      if (isWxApiError(info)) throw new Error(`seed: getGroupEnterInfo: ${info.errMsg}`)
      // Top-level CloudID, exactly as the app sends it.
      await call(user.openid, { action: 'enterGroup', groupInfo: createCloudId(info.cloudID) })

      const avatar = files.storeImage('image/png', identiconPng(`${appid}:${user.openid}`))
      if (!avatar.ok) throw new Error(`seed: avatar: ${avatar.message}`)
      await call(user.openid, {
        action: 'updateProfile',
        nickname: nicknames[index],
        avatarUrl: avatar.url,
      })

      if (index >= users.length - MEMBERS_WITHOUT_SCORE) continue
      seed.setNow(roundStart)
      const { roundToken } = await call<Round>(user.openid, { action: 'startRound' })
      seed.setNow(roundStart + ROUND_DURATION_MS)
      await call(user.openid, {
        action: 'submitScore',
        roundToken,
        score: demoScore(index),
        requestId: `seed-${index}-${roundToken.slice(0, 16)}`,
        taps: evenTapTimeline(demoScore(index), ROUND_DURATION_MS),
      })
    }
  } finally {
    seed.close()
  }
  return { chatId: group.chatId, opengid: group.opengid, cardId: card.cardId, members }
}
