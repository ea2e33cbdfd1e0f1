// schemas/struct-ops.schema.json (contributed through package.json jsonValidation) agrees with the
// config reader: what one accepts the other accepts, and every check ID fits its pattern.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../server/src/engine/config/projectConfig';
import { CheckId } from '../../server/src/engine/sim/checks';
import { ExtraCheckId } from '../../server/src/engine/sim/trace';
import { repoRoot } from '../helpers/paths';

const readJson = (relative: string) => JSON.parse(readFileSync(path.join(repoRoot, relative), 'utf8'));
const schema = readJson('schemas/struct-ops.schema.json');
const ajv = new Ajv({ allErrors: true });
ajv.addSchema(schema);
const validateConfig = ajv.compile({ $ref: 'struct-ops.schema.json' });
const validatePackage = ajv.compile(readJson('schemas/package-struct-ops.schema.json'));

const dir = mkdtempSync(path.join(tmpdir(), 'struct-ops-schema-'));
mkdirSync(path.join(dir, 'btf'));
writeFileSync(path.join(dir, 'btf', 'vmlinux'), '');
const configFile = path.join(dir, '.struct-ops.json');
const readerAccepts = (config: unknown) => parseProjectConfig(configFile, JSON.stringify(config))?.problems.length === 0;

const valid = {
  $schema: './node_modules/bpf-struct-ops/schemas/struct-ops.schema.json',
  profile: 'lts',
  profiles: { lts: { description: 'oldest kernel we ship on', btf: ['btf/vmlinux'], kernel: '6.6', libbpf: '1.3' }, 'next-6.18': { kernel: '6.18' } },
  includePaths: ['include'],
  defines: ['DEBUG', 'NR_CPUS=8'],
  ignore: { 'legacy/**': ['LIB-20', 'REG-L1', 'BUILD-01'] },
};

const invalid: Record<string, unknown> = {
  'an unknown key': { profle: 'lts' },
  'includePaths as a string': { includePaths: 'include' },
  'a define that is no macro name': { defines: ['1X'] },
  'an unknown check ID': { ignore: { '**': ['LIB-XX'] } },
  'a profile named live': { profiles: { live: {} } },
  'an unknown profile key': { profiles: { a: { kernl: '6.1' } } },
  'a non-string kernel version': { profiles: { a: { kernel: 6.1 } } },
};

describe('struct-ops.schema.json', () => {
  it('accepts what the reader accepts', () => {
    expect(readerAccepts(valid)).toBe(true);
    expect(validateConfig(valid), JSON.stringify(validateConfig.errors)).toBe(true);
    expect(validatePackage({ name: 'x', structOps: valid })).toBe(true);
  });

  for (const [what, config] of Object.entries(invalid)) {
    it(`rejects ${what}, as the reader does`, () => {
      expect(readerAccepts(config)).toBe(false);
      expect(validateConfig(config)).toBe(false);
      expect(validatePackage({ structOps: config })).toBe(false);
    });
  }

  it('lets every check ID through its pattern', () => {
    const pattern = new RegExp(schema.definitions.checkId.pattern);
    for (const id of [...Object.values(CheckId), ...Object.values(ExtraCheckId)]) expect(id, id).toMatch(pattern);
  });

  it('is what package.json contributes for .struct-ops.json and package.json, and is packaged', () => {
    const manifest = readJson('package.json');
    expect(manifest.contributes.jsonValidation).toEqual([
      { fileMatch: '.struct-ops.json', url: './schemas/struct-ops.schema.json' },
      { fileMatch: 'package.json', url: './schemas/package-struct-ops.schema.json' },
    ]);
    expect(readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8')).toContain('!schemas/**');
  });
});
