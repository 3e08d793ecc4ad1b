import { type ActionOutput } from '../../../shared/contract'
import type { Action, ActionDeps, AuthenticatedCaller } from '../deps'
import { assertFreshWatermark, extractGroupId } from '../group-open-data'
import { memberKey } from '../member-key'
import { periodKeys } from '../periods'
import { loadRankingPage, parseRankingWindow } from '../ranking'
import { rateLimited, rateLimitHit, rateRule } from '../rate-limit'
import { Failure, type Fields, invalid, isAbsent, ownField, parseString } from '../validation'
import { decryptOpenData } from '../wx-biz-data-crypt'

const CLOUD_ID_MAX_LENGTH = 512
/** Group open data is a few hundred bytes; 8 KiB of base64 is far more than any real payload. */
const ENCRYPTED_DATA_MAX_LENGTH = 8192
const IV_MAX_LENGTH = 64
const LOGIN_CODE_MAX_LENGTH = 128

/**
 * Resolves a CloudID field. The `data` that arrived next to the cloudID is ignored on purpose:
 * a client can send a plain object of the same shape, so only the platform's answer counts.
 */
async function groupFromCloudId(
  groupInfo: unknown,
  caller: AuthenticatedCaller,
  deps: ActionDeps,
): Promise<string> {
  if (typeof groupInfo === 'string') {
    throw new Failure(
      'CLOUD_ID_INVALID',
      'groupInfo arrived as a plain string: send wx.cloud.CloudID(cloudID) as a top-level field.',
    )
  }
  const cloudID =
    typeof groupInfo === 'object' && groupInfo !== null && !Array.isArray(groupInfo)
      ? ownField(groupInfo as Fields, 'cloudID')
      : undefined
  if (typeof cloudID !== 'string' || cloudID.length === 0 || cloudID.length > CLOUD_ID_MAX_LENGTH) {
    throw new Failure('CLOUD_ID_INVALID', 'groupInfo carries no resolvable cloudID.')
  }
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

interface LegacyOpenData {
  encryptedData: string
  iv: string
  code: string
}

async function groupFromEncryptedData(
  legacy: LegacyOpenData,
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
export const enterGroup: Action<ActionOutput<'enterGroup'>> = async (input, caller, deps) => {
  const groupInfo = ownField(input, 'groupInfo')
  const rawLegacy = {
    encryptedData: ownField(input, 'encryptedData'),
    iv: ownField(input, 'iv'),
    code: ownField(input, 'code'),
  }
  const hasCloudId = !isAbsent(groupInfo)
  const hasLegacy = Object.values(rawLegacy).some((value) => !isAbsent(value))
  if (hasCloudId && hasLegacy) {
    throw invalid('Send either groupInfo or encryptedData + iv + code, not both.')
  }
  if (!hasCloudId && !hasLegacy) {
    throw invalid('groupInfo (a CloudID) or encryptedData + iv + code is required.')
  }
  const { period, pageSize } = parseRankingWindow(input)
  const legacy = hasLegacy
    ? {
        encryptedData: parseString(rawLegacy.encryptedData, 'encryptedData', {
          max: ENCRYPTED_DATA_MAX_LENGTH,
        }),
        iv: parseString(rawLegacy.iv, 'iv', { max: IV_MAX_LENGTH }),
        code: parseString(rawLegacy.code, 'code', { max: LOGIN_CODE_MAX_LENGTH }),
      }
    : null

  // The rate-limit window is read beside the platform call and the hit counted beside the
  // bind (no extra step), so a refused card tap writes nothing. Two concurrent taps may both
  // pass the read when one hit is left: a burst can exceed the limit by its own size, once.
  const rule = rateRule(deps.rateLimits, 'enterGroup')
  const hit = rateLimitHit(caller.openid, 'enterGroup', rule, deps.clock.now())
  const [groupId, admissible] = await Promise.all([
    legacy
      ? groupFromEncryptedData(legacy, caller, deps)
      : groupFromCloudId(groupInfo, caller, deps),
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
