#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, as the rest of shopscope does.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
