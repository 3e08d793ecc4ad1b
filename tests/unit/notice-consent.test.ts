// Seam: the pure consent rules (src/core/notice-consent.ts): platform answers → what the page shows.
import {
  initialStatuses,
  needsSettings,
  statusesFromResults,
  statusesFromSetting,
} from '../../src/core/notice-consent'

const T = { overtaken: 'id-o', weekly: 'id-w' }

describe('subscribe-message consent rules', () => {
  it('maps each requestSubscribeMessage answer per template', () => {
    expect(
      statusesFromResults({ 'id-o': 'accept', 'id-w': 'reject' }, T, initialStatuses()),
    ).toEqual({
      overtaken: 'accepted',
      weekly: 'rejected',
    })
    expect(statusesFromResults({ 'id-o': 'ban', 'id-w': 'filter' }, T, initialStatuses())).toEqual({
      overtaken: 'unavailable',
      weekly: 'unavailable',
    })
  })

  it('reads "always keep this choice" and the main switch from getSetting', () => {
    const always = statusesFromSetting(
      { mainSwitch: true, itemSettings: { 'id-o': 'reject', 'id-w': 'accept' } },
      T,
      initialStatuses(),
    )
    expect(always).toEqual({ overtaken: 'off', weekly: 'always-accepted' })
    expect(needsSettings(always.overtaken)).toBe(true)
    expect(
      statusesFromSetting({ mainSwitch: false, itemSettings: {} }, T, initialStatuses()),
    ).toEqual({ overtaken: 'off', weekly: 'off' })
    // Switched back on in the settings (no longer listed): asked again on the next tap.
    expect(
      statusesFromSetting({ mainSwitch: true, itemSettings: {} }, T, {
        overtaken: 'off',
        weekly: 'accepted',
      }),
    ).toEqual({ overtaken: 'ask', weekly: 'accepted' })
  })

  it('ignores a kind without a configured template', () => {
    expect(
      statusesFromSetting(
        { mainSwitch: false, itemSettings: {} },
        { overtaken: 'id-o', weekly: null },
        initialStatuses(),
      ),
    ).toEqual({ overtaken: 'off', weekly: 'ask' })
  })
})
