import { PROOF_MAX_AGE_MS } from '../../shared/contract'
import type { MembershipRecord } from './store'
import { Failure } from './validation'

/**
 * Membership ages out. WeChat never tells a server who left a group; all it can do is ask for
 * proof again. Each verified proof (a CloudID or fresh legacy open data, on enterGroup) stamps
 * the membership's `provenAt`; reading a group needs one younger than the proof age.
 *
 * `maxAgeMs` null switches the rule off: DingTalk memberships are re-checked against the group's
 * roster on every ranking read instead (see dingtalk-gateway.ts).
 */
export function proofMaxAge(deps: { proofMaxAgeMs?: number | null }): number | null {
  return deps.proofMaxAgeMs === undefined ? PROOF_MAX_AGE_MS : deps.proofMaxAgeMs
}

export function isProofExpired(
  membership: MembershipRecord,
  now: number,
  maxAgeMs: number | null,
): boolean {
  return maxAgeMs !== null && now - membership.provenAt > maxAgeMs
}

export function assertFreshProof(
  membership: MembershipRecord,
  now: number,
  maxAgeMs: number | null,
): void {
  if (isProofExpired(membership, now, maxAgeMs)) {
    throw new Failure(
      'PROOF_EXPIRED',
      'Your membership of this group was last proven too long ago; open the group card again.',
    )
  }
}
