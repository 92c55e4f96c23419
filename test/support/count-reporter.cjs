// Prints the closing line CI reads: `jest: N passed, N failed` (CI does not parse Jest's own summary), and before
// it one line per reason suites were skipped for (test/support/requirements.ts puts "[skipped: why]" in titles).
class CountReporter {
  onRunComplete(_contexts, results) {
    const byReason = new Map();
    for (const file of results.testResults)
      for (const t of file.testResults) {
        if (t.status !== 'pending') continue;
        const why = [...t.ancestorTitles, t.title].map((s) => /\[skipped: (.*)\]$/.exec(s)?.[1]).find(Boolean);
        if (why) byReason.set(why, (byReason.get(why) ?? 0) + 1);
      }
    for (const [why, n] of byReason) process.stdout.write(`\nskipped ${n} tests: ${why}`);
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\njest: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests} skipped\n`,
    );
  }
}
module.exports = CountReporter;
