import { Button, Text, View } from '@tarojs/components'
import { useShallow } from 'zustand/react/shallow'

import type { NoticeKind } from '../../shared/contract'
import { needsSettings, NOTICE_LABELS, statusText } from '../core/notice-consent'
import { appStore, useAppStore } from '../store'
import { selectRankMove } from '../store/selectors'

const KINDS: readonly NoticeKind[] = ['overtaken', 'weekly']

/**
 * Consent to subscribe messages on the ranking page: a prompt right after a round, and a small
 * settings area. Every `requestSubscribeMessage` starts from one of these taps (the platform
 * refuses it otherwise); "去设置开启" opens the settings page when only it can turn them on.
 */
export function NoticeConsent() {
  const view = useAppStore(
    useShallow((state) => ({
      offered: state.noticeTemplates !== null,
      overtakenTemplate: state.noticeTemplates?.overtaken ?? null,
      weeklyTemplate: state.noticeTemplates?.weekly ?? null,
      overtaken: state.noticeStatuses.overtaken,
      weekly: state.noticeStatuses.weekly,
      error: state.noticeError,
      justPlayed: selectRankMove(state) !== null,
    })),
  )
  if (!view.offered) return <View className="notice-consent" />
  const statuses = { overtaken: view.overtaken, weekly: view.weekly }
  const available = KINDS.filter((kind) =>
    kind === 'overtaken' ? view.overtakenTemplate : view.weeklyTemplate,
  )
  const blocked = available.some((kind) => needsSettings(statuses[kind]))
  const askAfterRound =
    view.justPlayed &&
    available.some((kind) => statuses[kind] === 'ask' || statuses[kind] === 'rejected')
  return (
    <View className="notice-consent">
      {askAfterRound && (
        <View className="notice-consent__after-round" id="notify-after-round">
          <Text>想知道谁超过了你？</Text>
          <Button
            className="notice-consent__button"
            id="notify-after-round-button"
            size="mini"
            onClick={() => void appStore.getState().subscribeNotices(available)}
          >
            提醒我
          </Button>
        </View>
      )}
      <View className="notice-consent__settings" id="notify-settings-area">
        <Text className="notice-consent__title muted">消息提醒</Text>
        {available.map((kind) => (
          <View className="notice-consent__item" key={kind}>
            <Button
              className="notice-consent__button"
              id={`notify-${kind}`}
              size="mini"
              onClick={() => void appStore.getState().subscribeNotices([kind])}
            >
              {NOTICE_LABELS[kind]}
            </Button>
            <Text className="notice-consent__status muted" id={`notify-${kind}-status`}>
              {statusText(statuses[kind])}
            </Text>
          </View>
        ))}
        {blocked && (
          <Text
            className="link"
            id="notify-open-settings"
            onClick={() => void appStore.getState().openNoticeSettings()}
          >
            去设置开启
          </Text>
        )}
        {view.error && (
          <Text className="notice-consent__error" id="notify-error">
            {view.error}
          </Text>
        )}
      </View>
    </View>
  )
}
