// The replay summary's table rows (`| 1 | … |`) as trimmed cells, for asserting row by row.
export function summaryRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((l) => /^\| \d+ \|/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim())
    )
}
