import { createHmac } from 'node:crypto'

import { ID_PATTERN } from '../../shared/action-schemas'

/** 22 base64url characters = 132 bits: collision-free in practice and short on the wire. */
export const MEMBER_KEY_LENGTH = 22

/** Whether `value` has the shape of a member key (base64url is the ids' character set). */
export function isMemberKey(value: string): boolean {
  return value.length === MEMBER_KEY_LENGTH && ID_PATTERN.test(value)
}

/**
 * The opaque identity of a member inside one group. Keyed by a server salt so that nobody can
 * test a guessed openid against a key, and scoped to the group so keys cannot be correlated
 * across groups. Deterministic, so concurrent binds of the same member agree on the key.
 */
export function memberKey(salt: string, groupId: string, openid: string): string {
  return createHmac('sha256', salt)
    .update(`${groupId}\n${openid}`)
    .digest('base64url')
    .slice(0, MEMBER_KEY_LENGTH)
}
