// Reads a JUnit file as test-results-parser (the parser testbeats reports with) does and prints
// what it understood as JSON: per suite its counts from the attributes, and its test cases'
// statuses as the parser judged them from their children. Exit 2 when it cannot parse the file.
// `npm ci` in this folder first (the offline tests do it).
const { parse } = require("test-results-parser");

try {
  const result = parse({ type: "junit", files: [process.argv[2]] });
  const suites = result.suites.map((s) => ({
    name: s.name,
    total: Number(s.total),
    passed: Number(s.passed),
    failed: Number(s.failed),
    errors: Number(s.errors),
    skipped: Number(s.skipped),
    cases: s.cases.map((c) => ({ name: c.name, status: c.status, failure: c.failure || "" })),
  }));
  console.log(JSON.stringify({ total: result.total, failed: result.failed, errors: result.errors, skipped: result.skipped, suites }));
} catch (e) {
  console.error(`test-results-parser: ${e.message}`);
  process.exit(2);
}
