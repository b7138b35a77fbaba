import DOMPurify from 'dompurify'
it('parses', async () => {
  const p = DOMPurify as unknown as Record<string, unknown>
  p.addHook = () => {}
  p.removeHook = () => {}
  p.sanitize = (s: unknown) => String(s)
  const { default: mermaid } = await import('mermaid')
  await expect(mermaid.parse('xychart-beta\n  x-axis ["0", "15"]\n  line [1, 2]')).resolves.toBeTruthy()
  await expect(mermaid.parse('xychart-beta\n  x-axis ["0", "15"]\n  line [1, , 2]')).rejects.toThrow()
})
