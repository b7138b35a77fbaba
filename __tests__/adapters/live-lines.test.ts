import { liveLine } from '../../src/act/steps.js'
import { lineSplitter } from '../../src/adapters/ssh/process.js'

describe('lineSplitter', () => {
  it('hands on whole lines as they complete, across chunks and split characters', () => {
    const lines: string[] = []
    const s = lineSplitter((l) => lines.push(l))
    const euro = Buffer.from('€')
    s.push(Buffer.from('one\r\ntw'))
    expect(lines).toEqual(['one'])
    s.push(Buffer.concat([Buffer.from('o '), euro.subarray(0, 1)]))
    s.push(Buffer.concat([euro.subarray(1), Buffer.from('\nthree')])) // the € split in two
    expect(lines).toEqual(['one', 'two €'])
    s.flush()
    expect(lines).toEqual(['one', 'two €', 'three'])
  })
  it('cuts a line without a newline into pieces instead of holding it', () => {
    const lines: string[] = []
    const s = lineSplitter((l) => lines.push(l))
    s.push(Buffer.from('x'.repeat(9000)))
    expect(lines.map((l) => l.length)).toEqual([4000, 4000, 1000])
  })
})

describe('liveLine', () => {
  it('never lets host output start a log line with a workflow command', () => {
    expect(liveLine('::add-mask::x')).toBe('  | ::add-mask::x')
    expect(liveLine('  ::error::boom').trimStart().startsWith('::')).toBe(false)
  })
  it('drops control characters but keeps tabs', () => {
    expect(liveLine('a\u001b[31mred\u0007\tb\r')).toBe('  | a[31mred\tb')
  })
  it('in a fleet, leaves the prefix to the host logger', () => {
    expect(liveLine('restoring 1/3', true)).toBe('restoring 1/3')
  })
})
