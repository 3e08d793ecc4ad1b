/**
 * The simulator's rule for member and group names, shared by its page (a message before sending)
 * and the local server (the refusal): the app's display-name rule (shared/display-name.ts), and
 * no two members with one name — two identical "小林" could not be told apart in 我是 or a ranking.
 */
import { normalizeDisplayName } from '../../../shared/display-name'

/** The simulator's name fields allow 40 characters (maxlength of its inputs). */
export const SIM_NAME_MAX_LENGTH = 40

export type SimNameCheck = { ok: true; name: string } | { ok: false; message: string }

export function checkSimName(
  raw: string,
  kind: 'member' | 'group',
  existing: readonly string[] = [],
): SimNameCheck {
  const what = kind === 'member' ? '成员名字' : '群名'
  const checked = normalizeDisplayName(raw, SIM_NAME_MAX_LENGTH)
  if (!checked.ok) {
    if (checked.problem === 'tooLong') {
      return { ok: false, message: `${what}最多 ${SIM_NAME_MAX_LENGTH} 个字` }
    }
    if (checked.problem === 'control') return { ok: false, message: `${what}里有不能显示的字符` }
    return { ok: false, message: `${what}不能是空的（只有空格也不行）` }
  }
  const same = (a: string) => a.normalize('NFC').toLowerCase() === checked.name.toLowerCase()
  if (kind === 'member' && existing.some(same)) {
    return { ok: false, message: `已经有一位「${checked.name}」了，换一个名字` }
  }
  return { ok: true, name: checked.name }
}
