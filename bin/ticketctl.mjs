#!/usr/bin/env node
// ticketctl runs the compiled CLI (dist/), building it first when the sources are newer.
import { distPath, ensureBuilt } from '../scripts/built.mjs';

ensureBuilt();
await import(distPath('cli/main.js'));
