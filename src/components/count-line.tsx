import { Button, Text, View } from '@tarojs/components'

interface CountLineProps {
  text: string
  unscored: number
}

/**
 * "27 人上榜 · 3 人还没有成绩", and for those without a score a share nudge rather than a list: in
 * WeChat the only way to reach a member who has not played is a message in the group chat (the
 * app may not message them), and a card shared there is that message. DingTalk lists them too.
 */
export function CountLine({ text, unscored }: CountLineProps) {
  return (
    <View className="count-line">
      <Text className="count-line__text" id="count-line">
        {text}
      </Text>
      {unscored > 0 && (
        <Button className="btn btn--text count-line__nudge" id="invite" openType="share">
          叫上他们
        </Button>
      )}
    </View>
  )
}
