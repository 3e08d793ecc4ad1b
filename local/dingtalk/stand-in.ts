/**
 * A local stand-in of DingTalk's open platform, answering the same HTTP requests the server's
 * DingTalk adapter sends (`fetch` is replaced by `standIn.fetch`, nothing leaves the process):
 * corps with apps and users, groups created through the server API (`POST /chat/create`,
 * `POST /chat/update`), cool-app installs that answer the group's entry URL, free-login codes
 * (single use, 5 minutes), access tokens with expiry, and every error code of seed 004 on demand
 * plus a busy mode. Shapes follow the docs cited in `cloudfunctions/adapters/dingtalk-open-api.ts`.
 *
 * Corps, users, apps and groups last (`snapshot` in, `onChange` out, see snapshot.ts); access
 * tokens, free-login codes, injected failures and call counts live in memory only.
 *
 * This file is the composition root, split like the WeChat stand-in (local/wechat/stand-in.ts):
 * - the world model (corps, users, apps, groups, tokens, codes, the change feed), world.ts;
 * - the open API the adapter calls, in DingTalk's HTTP shapes, open-api.ts;
 * - fault injection (injected failures, busy mode), faults.ts.
 */
import { createDingTalkFaults } from './faults'
import { createDingTalkOpenApi } from './open-api'
import type { DingTalkRecord, DingTalkSnapshot } from './snapshot'
import { createDingTalkWorld } from './world'

export { type InjectedFailure } from './faults'
export { AUTH_CODE_TTL_MS, TOKEN_TTL_S } from './world'

export interface StandInOptions {
  now?: () => number
  /** The lasting state to start from (already checked, see `dingTalkSnapshotFromRecords`). */
  snapshot?: DingTalkSnapshot
  /**
   * Called before a call that changed corps, users, apps or groups returns (for `fetch`: before
   * its answer is handed back), with the records it wrote. A store that commits them here is
   * never behind what anyone was told. If it throws, the call throws and the records are offered
   * again with the next change.
   */
  onChange?: (records: DingTalkRecord[]) => void
}

export function createDingTalkStandIn(options: StandInOptions = {}) {
  const world = createDingTalkWorld(options)
  const faults = createDingTalkFaults()
  const openApi = createDingTalkOpenApi(world, faults)
  return {
    /** `fetch` for the server's DingTalk adapter: any host, routed by path. */
    fetch: openApi.fetch,
    /** How often `path` was called through `fetch`. */
    calls: openApi.calls,

    createCorp: world.createCorp,
    createApp: world.createApp,
    revokePermission: world.revokePermission,
    removeCorp: world.removeCorp,
    addUser: world.addUser,
    users: world.users,
    issueAuthCode: world.issueAuthCode,
    installCoolApp: world.installCoolApp,
    entryUrl: world.entryUrl,
    group: world.group,
    groups: world.groups,
    revokeTokens: world.revokeTokens,

    failNext: faults.failNext,
    setBusy: faults.setBusy,
  }
}

export type DingTalkStandIn = ReturnType<typeof createDingTalkStandIn>
