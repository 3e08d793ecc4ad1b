import './index.css'

import { Button, Form, Input, Text, View } from '@tarojs/components'
import Taro, { useLoad } from '@tarojs/taro'
import { useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'

import { NICKNAME_MAX_LENGTH } from '../../../shared/contract'
import { AvatarPicker } from '../../components/avatar-picker'
import { PrivacyPopup } from '../../components/privacy-popup'
import { appStore, useAppStore } from '../../store'

/**
 * Avatar through `open-type="chooseAvatar"`, nickname through `type="nickname"`: getUserProfile
 * no longer returns real data. The nickname is read on submit, because the value WeChat fills in
 * does not reach a controlled input.
 */
export default function ProfilePage() {
  const { profile, saving, error } = useAppStore(
    useShallow((state) => ({
      profile: state.profile,
      saving: state.profileSaving,
      error: state.profileError,
    })),
  )
  const [avatarTempPath, setAvatarTempPath] = useState<string | null>(null)
  // Submit reads the ref: a pick and a submit can arrive before React re-renders the form.
  const pickedAvatar = useRef<string | null>(null)
  const pickAvatar = (path: string | null) => {
    pickedAvatar.current = path
    setAvatarTempPath(path)
  }
  // What was typed: Taro's H5 Input is controlled and resets to `value` after every keystroke.
  const [nicknameDraft, setNicknameDraft] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  // Counted as the server counts (code points, an emoji is one), shown against the limit.
  const length = [...(nicknameDraft ?? profile?.nickname ?? '')].length

  useLoad(() => {
    if (appStore.getState().profile === null) void appStore.getState().loadProfile()
  })

  const submit = async (nickname: string) => {
    setSaved(false)
    const ok = await appStore
      .getState()
      .saveProfile({ nickname, avatarTempPath: pickedAvatar.current })
    if (ok) {
      pickAvatar(null)
      setNicknameDraft(null)
      setSaved(true)
      void Taro.showToast({ title: '已保存', icon: 'success' })
    }
  }

  return (
    <View className="profile-page">
      <Form
        id="profile-form"
        className="profile-page__form"
        onSubmit={(event) => {
          const value = (event.detail.value ?? {}) as { nickname?: unknown }
          void submit(typeof value.nickname === 'string' ? value.nickname : '')
        }}
      >
        <AvatarPicker url={avatarTempPath ?? profile?.avatarUrl ?? null} onPicked={pickAvatar} />
        <Text className="muted profile-page__hint">点击头像从微信选择</Text>
        <View className="profile-page__field">
          <Text className="profile-page__label">昵称</Text>
          <Input
            className="profile-page__input"
            id="nickname"
            name="nickname"
            type="nickname"
            maxlength={NICKNAME_MAX_LENGTH}
            placeholder="输入或使用微信昵称"
            value={nicknameDraft ?? profile?.nickname ?? ''}
            onInput={(event) => setNicknameDraft(event.detail.value)}
            onBlur={(event) => setNicknameDraft(event.detail.value)}
          />
          <Text
            className={`profile-page__counter${length >= NICKNAME_MAX_LENGTH ? ' profile-page__counter--full' : ''}`}
            id="nickname-counter"
          >
            {length}/{NICKNAME_MAX_LENGTH}
          </Text>
        </View>
        {length >= NICKNAME_MAX_LENGTH && (
          <Text className="profile-page__limit" id="nickname-limit">
            昵称最多 {NICKNAME_MAX_LENGTH} 个字
          </Text>
        )}
        {error && (
          <Text className="profile-page__error" id="profile-error">
            {error}
          </Text>
        )}
        {saved && (
          <Text className="muted profile-page__saved" id="profile-saved">
            已保存，排行榜中会显示新的头像和昵称
          </Text>
        )}
        <Button
          className="btn btn--primary profile-page__save"
          id="save-profile"
          formType="submit"
          loading={saving}
        >
          保存
        </Button>
      </Form>
      <Text className="muted profile-page__note">不设置也可以参与挑战和上榜。</Text>
      <PrivacyPopup />
    </View>
  )
}
