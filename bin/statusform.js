#!/usr/bin/env node
// The statusform command: runs the compiled CLI from dist/ (built by `npm install` via prepare).
import { main } from '../dist/cli/main.js';
import { processIo } from '../dist/cli/io.js';

const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
// The command is over: nothing left behind (a change abandoned after an interrupt's grace period,
// still waiting on its vendor) may hold the exit. Unreferenced, so a finished process exits at once.
setTimeout(() => process.exit(code), 1000).unref();
