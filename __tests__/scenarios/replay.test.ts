// The replay harness itself: it answers only from the recording, at the slot the clock is in,
// and refuses what it could not replay faithfully.
import { loadRecording, recordedMs, replay, replaySettings } from '../../__fixtures__/replay.js'

const rec = loadRecording('error-rate-critical')

describe('replay of a recorded scenario', () => {
  it('answers a probe with the slot the clock is in, and the probe takes its recorded time', async () => {
    const { clock, health } = replay(rec)
    await clock.sleep(2_500)
    const reading = await health.probe()
    expect(reading).toEqual(rec.slots[2].health)
    expect(clock.now()).toBe(rec.startedAt + 2_500 + rec.slots[2].probeMs)
  })

  it('answers a query at a slot with what Prometheus answered there', async () => {
    const { metrics } = replay(rec)
    expect(await metrics.query(rec.queries.errorRate, rec.startedAt + 6_000)).toEqual(
      rec.slots[6].metrics.errorRate
    )
  })

  it('refuses a query it did not record, and moments outside the recording', async () => {
    const { clock, health, metrics } = replay(rec)
    await expect(metrics.query('up', rec.startedAt)).rejects.toThrow(/query not recorded: up/)
    await expect(metrics.query(rec.queries.latency, rec.startedAt - 1)).rejects.toThrow(
      /outside the recording/
    )
    await clock.sleep(recordedMs(rec) + rec.probeIntervalMs)
    await expect(health.probe()).rejects.toThrow(/outside the recording/)
  })

  it('refuses settings the recording cannot answer for', () => {
    expect(() => replaySettings(rec, '1h')).toThrow(/longer than the recording/)
    expect(() => replaySettings(rec, '5s', { inputs: { 'probe-interval': '2s' } })).toThrow(
      /recorded every 1000 ms/
    )
    const threeReprobes = { ...rec, healthPolicy: { ...rec.healthPolicy, confirm: 3 } }
    expect(() => replaySettings(threeReprobes, '5s')).toThrow(/recorded with health/)
  })
})
