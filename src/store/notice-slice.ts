import { type NoticeKind, type NoticeTemplates, type SubscribeResult } from '../../shared/contract'
import {
  initialStatuses,
  type NoticeStatuses,
  statusesFromResults,
  statusesFromSetting,
  SUBSCRIBE_SWITCHED_OFF,
} from '../core/notice-consent'
import type { PlatformServices } from '../core/platform-port'
import type { SliceCreator } from './app-state'

const TEMPLATES_CACHE_KEY = 'notice-templates'

export interface NoticeSlice {
  /** The server's template ids (from the last enterGroup answer, cached); null: none offered. */
  noticeTemplates: NoticeTemplates | null
  noticeStatuses: NoticeStatuses
  /** Messages the server may still send, per kind, as of the last subscribe answer. */
  noticeCredits: Record<NoticeKind, number> | null
  noticeError: string | null
  receiveNoticeTemplates(templates: NoticeTemplates | null | undefined): void
  /**
   * Asks WeChat for consent to `kinds` and records what was accepted. Call it from a tap only:
   * the platform's panel is requested before anything is awaited.
   */
  subscribeNotices(kinds: readonly NoticeKind[]): Promise<void>
  /** Reads the member's settings (`getSetting` with subscriptions). */
  refreshNoticeSetting(): Promise<void>
  /** Opens the settings page (tap only), then reads what the member left there. */
  openNoticeSettings(): Promise<void>
}

export function createNoticeSlice(services: PlatformServices): SliceCreator<NoticeSlice> {
  return (set, get) => ({
    noticeTemplates: services.readCache<NoticeTemplates>(TEMPLATES_CACHE_KEY),
    noticeStatuses: initialStatuses(),
    noticeCredits: null,
    noticeError: null,

    receiveNoticeTemplates(templates) {
      if (templates === undefined) return
      set({ noticeTemplates: templates })
      services.writeCache(TEMPLATES_CACHE_KEY, templates)
    },

    async subscribeNotices(kinds) {
      const templates = get().noticeTemplates
      if (!templates) return
      const ids = kinds.flatMap((kind) => (templates[kind] ? [templates[kind]] : []))
      if (ids.length === 0) return
      // First statement that reaches the platform: still inside the tap.
      const request = services.requestSubscribe(ids)
      set({ noticeError: null })
      const answer = await request
      if (!answer.ok) {
        if (answer.errCode === SUBSCRIBE_SWITCHED_OFF) {
          const statuses = { ...get().noticeStatuses }
          for (const kind of kinds) statuses[kind] = 'off'
          set({ noticeStatuses: statuses })
        } else {
          set({ noticeError: '订阅没有成功，请稍后再试' })
        }
        return
      }
      set({ noticeStatuses: statusesFromResults(answer.results, templates, get().noticeStatuses) })
      const accepted = Object.values(answer.results).some((r: SubscribeResult) => r === 'accept')
      if (accepted) {
        const saved = await services.call('subscribe', { results: answer.results })
        if (saved.ok) set({ noticeCredits: saved.data.credits })
        else set({ noticeError: '订阅没有保存成功，请再点一次' })
      }
      await get().refreshNoticeSetting()
    },

    async refreshNoticeSetting() {
      const templates = get().noticeTemplates
      if (!templates) return
      const setting = await services.readSubscriptionSetting()
      if (setting) {
        set({ noticeStatuses: statusesFromSetting(setting, templates, get().noticeStatuses) })
      }
    },

    async openNoticeSettings() {
      const templates = get().noticeTemplates
      const setting = await services.openSubscriptionSetting()
      if (setting && templates) {
        set({ noticeStatuses: statusesFromSetting(setting, templates, get().noticeStatuses) })
      }
    },
  })
}
