import type { GroupSource } from '../../../shared/action-schemas'
import type { Action, ActionDeps, AuthenticatedCaller } from '../deps'
import { assertFreshWatermark, extractGroupId } from '../group-open-data'
import { memberKey } from '../member-key'
import { periodKeys } from '../periods'
import { loadRankingPage } from '../ranking'
import { rateLimited, rateLimitHit, rateRule } from '../rate-limit'
import { Failure } from '../validation'
import { decryptOpenData } from '../wx-biz-data-crypt'

/**
 * Resolves a CloudID. The `data` that arrived next to the cloudID was left out by the schema on
 * purpose: a client can send a plain object of the same shape, so only the platform's answer
 * counts.
 */
async function groupFromCloudId(
  cloudID: string,
  caller: AuthenticatedCaller,
  deps: ActionDeps,
): Promise<string> {
  const resolved = await deps.openApi.getOpenData(cloudID, caller)
  if (!resolved.ok) {
    const messages = {
      CLOUD_ID_INVALID: 'The CloudID is not valid.',
      CLOUD_ID_EXPIRED: 'The CloudID has expired; open the card again.',
      CLOUD_ID_NOT_OWNED: 'The CloudID was issued to another user.',
    } as const
    throw new Failure(resolved.reason, messages[resolved.reason])
  }
  return extractGroupId(resolved.data, caller.appid)
}

async function groupFromEncryptedData(
  legacy: Extract<GroupSource, { kind: 'legacy' }>,
  caller: AuthenticatedCaller,
  deps: ActionDeps,
): Promise<string> {
  const session = await deps.openApi.code2Session(legacy.code, caller)
  if (!session.ok) {
    throw new Failure('SESSION_INVALID', `Sign-in failed (code2Session ${session.errcode}).`)
  }
  // The session_key decrypts data of the user who logged in; it must be this caller.
  if (session.openid !== caller.openid) {
    throw new Failure('SESSION_INVALID', 'The login code belongs to another user.')
  }
  const decrypted = decryptOpenData(session.sessionKey, legacy.encryptedData, legacy.iv)
  if (!decrypted.ok) {
    throw new Failure(
      'OPEN_DATA_INVALID',
      `The group data could not be decrypted (${decrypted.errcode}).`,
    )
  }
  const groupId = extractGroupId(decrypted.data, caller.appid)
  assertFreshWatermark(decrypted.data, deps.clock.now())
  return groupId
}

/**
 * Binds the caller to the group named by the open data and answers with the first ranking page,
 * so opening a card costs one round trip. Client-sent `openid`, `groupId` or `opengid` fields are
 * never read: the caller comes from the context and the group from the platform.
 */
export const enterGroup: Action<'enterGroup'> = async (input, caller, deps) => {
  const { source, period, pageSize } = input
  // The rate-limit window is read beside the platform call and the hit counted beside the
  // bind (no extra step), so a refused card tap writes nothing. Two concurrent taps may both
  // pass the read when one hit is left: a burst can exceed the limit by its own size, once.
  const rule = rateRule(deps.rateLimits, 'enterGroup')
  const hit = rateLimitHit(caller.openid, 'enterGroup', rule, deps.clock.now())
  const [groupId, admissible] = await Promise.all([
    source.kind === 'legacy'
      ? groupFromEncryptedData(source, caller, deps)
      : groupFromCloudId(source.cloudID, caller, deps),
    deps.store.peekRateLimit(hit),
  ])
  if (!admissible) throw rateLimited(rule, deps.clock.now())

  const now = deps.clock.now()
  const keys = periodKeys(now)
  // The open data was verified just now: this call is a fresh proof of membership.
  const [{ joined }] = await Promise.all([
    deps.store.joinGroup({
      groupId,
      openid: caller.openid,
      memberKey: memberKey(deps.memberKeySalt, groupId, caller.openid),
      joinedAt: now,
      provenAt: now,
    }),
    deps.store.takeRateLimit(hit),
  ])
  // The caller's profile is read beside the ranking page and reused for the caller's own row.
  const profile = deps.store.getProfile(caller.openid)
  const [ranking, myProfile] = await Promise.all([
    loadRankingPage(deps, {
      groupId,
      period,
      periodKey: keys[period],
      cursor: null,
      pageSize,
      openid: caller.openid,
      myProfile: profile,
    }),
    profile,
  ])
  const templates = deps.noticeTemplates
  const offered = templates && (templates.overtaken !== null || templates.weekly !== null)
  return { ranking, profile: myProfile, joined, ...(offered ? { notices: templates } : {}) }
}
