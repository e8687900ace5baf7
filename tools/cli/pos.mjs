#!/usr/bin/env node
// The `pos` command in a development checkout: TypeScript runs through tsx. The deployed bundle
// (dist/pos-terminal.cjs, built by `pos deploy`) needs neither tsx nor this file.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
