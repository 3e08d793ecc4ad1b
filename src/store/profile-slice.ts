import { NICKNAME_MAX_LENGTH, type Profile } from '../core/contract'
import { userText } from '../core/error-text'
import { createSequencer } from '../core/sequence'
import type { SliceCreator } from './app-state'
import type { PlatformServices } from './services'

export interface ProfileDraft {
  nickname: string
  /** A temporary path from `chooseAvatar`, uploaded on save; null keeps the current avatar. */
  avatarTempPath: string | null
}

export interface ProfileSlice {
  profile: Profile | null
  profileSaving: boolean
  profileError: string | null
  /** The profile an entry answered with. */
  receiveProfile(profile: Profile): void
  loadProfile(): Promise<void>
  saveProfile(draft: ProfileDraft): Promise<boolean>
  resetProfile(): void
}

const initialProfile = { profile: null, profileSaving: false, profileError: null }

export function createProfileSlice(services: PlatformServices): SliceCreator<ProfileSlice> {
  // `profile`: the last profile asked for or received wins over an older read still on its way.
  const sequence = createSequencer<'profile'>()

  return (set, get) => ({
    ...initialProfile,

    receiveProfile(profile) {
      sequence.begin('profile')
      set({ profile })
    },

    async loadProfile() {
      const ticket = sequence.begin('profile')
      const result = await services.call('getProfile', {})
      if (result.ok && sequence.isCurrent(ticket)) set({ profile: result.data })
    },

    async saveProfile(draft) {
      const nickname = draft.nickname.trim()
      if ([...nickname].length > NICKNAME_MAX_LENGTH) {
        set({ profileError: `昵称最多 ${NICKNAME_MAX_LENGTH} 个字` })
        return false
      }
      const ticket = sequence.begin('profile')
      set({ profileSaving: true, profileError: null })
      let avatarUrl = get().profile?.avatarUrl ?? null
      if (draft.avatarTempPath !== null) {
        const upload = await services.uploadAvatar(draft.avatarTempPath)
        if (!upload.ok) {
          set({ profileSaving: false, profileError: '头像上传失败，请重试' })
          return false
        }
        avatarUrl = upload.data.fileId
      }
      const result = await services.call('updateProfile', {
        nickname: nickname.length > 0 ? nickname : null,
        avatarUrl,
      })
      if (!result.ok) {
        set({ profileSaving: false, profileError: userText(result.error.code) })
        return false
      }
      set(
        sequence.isCurrent(ticket)
          ? { profile: result.data, profileSaving: false }
          : { profileSaving: false },
      )
      await get().refreshRanking()
      return true
    },

    resetProfile() {
      set(initialProfile)
    },
  })
}
