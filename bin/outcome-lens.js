#!/usr/bin/env node
'use strict';
// The package's command: runs the compiled CLI (built by `npm run build:backend`, which `npm ci` runs).
const { runCli } = require('../dist/cli/main.js');

// A reader that stops early (`| head -1`) closes the pipe: that ends the output, it is not an error to report.
// Any other failed write (a full disk) is: one line that says so, not a stack, and no more stories read for nothing.
process.stdout.on('error', (error) => {
  if (error && error.code === 'EPIPE') process.exit(0);
  process.stderr.write(
    `outcome-lens: cannot write the output: ${error && error.message ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => new Date(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`outcome-lens: ${error && error.message ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
