import { Button, Text, View } from '@tarojs/components'

import type { NoGroupReason } from '../store/session-slice'

const REASON_TEXT: Record<NoGroupReason, string> = {
  'single-chat': '这是一张私聊里的卡片，看不到群排行。',
  'group-without-ticket': '这张卡片没有带上群信息。',
  elsewhere: '从群聊里的卡片进入，就能看到这个群的排名。',
  'not-a-group': '这张卡片不是从群聊打开的。',
  'foreign-group': '你不在这张卡片指向的群里，看不到那个群的排名。',
}

/** Shown when the opening carries no group: the way forward is to share into a group. */
export function SharePrompt({ reason }: { reason: NoGroupReason | null }) {
  return (
    <View className="share-prompt">
      <Text className="share-prompt__title">分享到群，看看谁是第一</Text>
      <Text className="share-prompt__reason muted">{REASON_TEXT[reason ?? 'elsewhere']}</Text>
      <Button
        className="btn btn--primary share-prompt__button"
        openType="share"
        id="share-to-group"
      >
        分享到微信群
      </Button>
    </View>
  )
}
