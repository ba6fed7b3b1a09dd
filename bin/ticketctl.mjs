#!/usr/bin/env node
// ticketctl runs from the TypeScript sources through tsx, like the server.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
