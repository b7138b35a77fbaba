import { formatDuration } from '../../src/core/duration.js'
it('x', () => { expect(formatDuration(1000)).toBe('1s') })
