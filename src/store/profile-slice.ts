import { NICKNAME_MAX_LENGTH, type Profile } from '../../shared/contract'
import { type DisplayNameProblem, normalizeDisplayName } from '../../shared/display-name'
import { errorText, userText } from '../core/error-text'
import type { PlatformServices } from '../core/platform-port'
import { createSequencer } from '../core/sequence'
import type { SliceCreator } from './app-state'

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
}

const NICKNAME_PROBLEM_TEXT: Record<DisplayNameProblem, string> = {
  control: '昵称里有无法显示的字符',
  blank: '昵称需要至少一个看得见的字',
  tooLong: `昵称最多 ${NICKNAME_MAX_LENGTH} 个字`,
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
      // An empty field clears the nickname; anything typed must pass the server's display-name rule,
      // checked here first so the member sees why without a round trip.
      let nickname: string | null = null
      if (draft.nickname.trim().length > 0) {
        const checked = normalizeDisplayName(draft.nickname, NICKNAME_MAX_LENGTH)
        if (!checked.ok) {
          set({ profileError: NICKNAME_PROBLEM_TEXT[checked.problem] })
          return false
        }
        nickname = checked.name
      }
      const ticket = sequence.begin('profile')
      set({ profileSaving: true, profileError: null })
      let avatarUrl = get().profile?.avatarUrl ?? null
      if (draft.avatarTempPath !== null) {
        const upload = await services.uploadAvatar(draft.avatarTempPath)
        if (!upload.ok) {
          set({
            profileSaving: false,
            profileError:
              upload.error.code === 'NOT_AN_IMAGE'
                ? userText('NOT_AN_IMAGE')
                : '头像上传失败，请重试',
          })
          return false
        }
        avatarUrl = upload.data.fileId
      }
      const result = await services.call('updateProfile', {
        nickname,
        avatarUrl,
      })
      if (!result.ok) {
        set({ profileSaving: false, profileError: errorText(result.error) })
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
  })
}
