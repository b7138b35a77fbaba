// Bounded parallelism for work on many hosts (host checks, preflight, `--list`, restart).

/**
 * Runs `fn` on every item, at most `limit` at once, starting them in order; the results come back
 * in the items' order. `fn` must not throw (callers turn failures into data).
 */
export async function inPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
    }
  }
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length))
  await Promise.all(Array.from({ length: workers }, worker))
  return results
}
