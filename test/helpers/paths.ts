// Paths tests share: the repository root, the wasm files in node_modules, the bundled profile.

import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { nodeModulesWasm } from '../../server/src/engine/c/parser';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const wasm = nodeModulesWasm(repoRoot);
export const profilesDir = path.join(repoRoot, 'resources', 'profiles');
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const liveVmlinux = '/sys/kernel/btf/vmlinux';
export const hasLiveBtf = existsSync(liveVmlinux);
export const builtCli = path.join(repoRoot, 'server', 'out', 'cli.js');
