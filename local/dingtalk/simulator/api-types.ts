/**
 * The JSON the DingTalk simulator page and the server's DingTalk mode (local/dingtalk/preview.ts)
 * exchange (`/api/dingtalk-sim/*`). Types only: both sides import it, and esbuild erases it from
 * the page's bundle.
 */

export interface DingTalkSimUser {
  userId: string
  name: string
}

/** A group as creating it answers (`POST /groups`, `/demo`). */
export interface DingTalkSimGroup {
  chatId: string
  openConversationId: string
  name: string
  /** The cool app's entry URL in the group's app bar. */
  entryUrl: string
}

/** A group as the state lists it: with its owner and members now. */
export interface DingTalkSimStateGroup extends DingTalkSimGroup {
  owner: string | null
  members: string[]
}

/** `GET /api/dingtalk-sim/state`: the local corp's users and groups. */
export interface DingTalkSimState {
  corpId: string
  users: DingTalkSimUser[]
  groups: DingTalkSimStateGroup[]
}
