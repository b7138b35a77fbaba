// A jest reporter that ends the run with one plain line: "tests: N passed, N failed[, N skipped]".
export default class SummaryLine {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${
      skipped ? `, ${skipped} skipped` : ''
    }`
    process.stdout.write(`\n${line}\n`)
  }
}
