import { Button, Text, View } from '@tarojs/components'
import Taro, { useLoad, useUnload } from '@tarojs/taro'
import { useRef, useState } from 'react'

type PrivacyResolve = (option: {
  event: 'agree' | 'disagree' | 'exposureAuthorization'
  buttonId?: string
}) => void

const AGREE_BUTTON_ID = 'privacy-agree'

/**
 * The app's own privacy popup. The base library asks for it (onNeedPrivacyAuthorization) the first
 * time a privacy-covered component is used — here the avatar chooser and the nickname input.
 */
export function PrivacyPopup() {
  const [open, setOpen] = useState(false)
  const pending = useRef<PrivacyResolve | null>(null)

  useLoad(() => {
    // Only WeChat has the privacy agreement; elsewhere Taro's placeholder logs "暂时不支持 API".
    if (process.env.TARO_ENV !== 'weapp') return
    Taro.onNeedPrivacyAuthorization?.((resolve) => {
      pending.current = resolve as PrivacyResolve
      pending.current({ event: 'exposureAuthorization' })
      setOpen(true)
    })
  })
  useUnload(() => {
    pending.current?.({ event: 'disagree' })
    pending.current = null
  })

  const settle = (event: 'agree' | 'disagree') => {
    pending.current?.(event === 'agree' ? { event, buttonId: AGREE_BUTTON_ID } : { event })
    pending.current = null
    setOpen(false)
  }

  if (!open) return null
  return (
    <View className="privacy-popup" id="privacy-popup">
      <View className="privacy-popup__card">
        <Text className="privacy-popup__title">用户隐私保护提示</Text>
        <Text className="privacy-popup__text">
          设置头像和昵称前，请阅读并同意隐私保护指引。头像和昵称只会显示在你所在群的排行榜中。
        </Text>
        <Text
          className="btn btn--text"
          id="privacy-contract"
          onClick={() => Taro.openPrivacyContract({})}
        >
          查看《隐私保护指引》
        </Text>
        <View className="privacy-popup__actions">
          <Button
            className="btn btn--secondary"
            id="privacy-disagree"
            onClick={() => settle('disagree')}
          >
            拒绝
          </Button>
          <Button
            id={AGREE_BUTTON_ID}
            className="btn btn--primary"
            openType="agreePrivacyAuthorization"
            onAgreePrivacyAuthorization={() => settle('agree')}
          >
            同意
          </Button>
        </View>
      </View>
    </View>
  )
}
