#!/usr/bin/env node
// The statusform command: runs the compiled CLI from dist/ (built by `npm install` via prepare).
import { main } from '../dist/cli/main.js';
import { processIo } from '../dist/cli/io.js';

process.exitCode = await main(process.argv.slice(2), processIo());
