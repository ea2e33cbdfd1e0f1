// The workspace index's walk and literal prefilter done by ripgrep, as VS Code's own search does:
// rg lists, on all cores, the candidate files under a folder that contain one of the prefilter's
// literals, and only those are read here. On a kernel tree that is 1,100 C files of 58,000, and the
// walk and filter take rg's time instead of several hundred milliseconds of this process's reads.
// The files rg does not list are exactly those the walk's prefilter would drop (same candidates,
// same .gitignore scope, same literals), so the facts are the same; without rg the index walks.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../common/logger';
import { KBUILD_FILE_GLOBS } from '../c/kbuild';
import { candidateKind, PREFILTER_LITERALS, type CandidateKind } from './scan';

export interface RipgrepListOptions {
  /** Globs relative to the root (VS Code `files.exclude` style), as for scanFolders. */
  readonly exclude?: readonly string[];
  readonly logger?: Logger;
  readonly isCancelled?: () => boolean;
  /** Called for each listed candidate as rg prints it. */
  readonly onFile: (file: string, kind: CandidateKind) => void;
}

export interface RipgrepListing {
  /** Candidates rg looked at (C sources, headers, Kbuild files), listed or not. */
  readonly searched: number;
  /** Candidates listed: those with a literal. */
  readonly listed: number;
  readonly cancelled: boolean;
}

/** How often a running rg is checked for cancellation. */
const CANCEL_POLL_MS = 10;

/**
 * The rg command line for one folder (run with the folder as working directory: rg matches globs
 * against paths relative to it). Its choices keep the walk's rules (scanFolders):
 * - candidates by file type, not by `--glob`: a glob that includes a file overrides .gitignore;
 * - .gitignore files inside a git work tree only, and only those within the folder (not its
 *   parents', nor git's global or info/exclude files, nor rg's own `.ignore` files);
 * - hidden files searched, `.git` not; symbolic links not followed (rg's default);
 * - every byte searched as it is: no binary-file detection (`--text`) and no transcoding of UTF-16
 *   (`--encoding none`), and no size limit: the read that follows skips such files with a reason;
 * - exclude globs anchored at the folder, as in VS Code, unless they start with `**`.
 */
export function ripgrepArgs(root: string, exclude: readonly string[] = []): string[] {
  const types = ['*.[ch]', ...KBUILD_FILE_GLOBS].flatMap((glob) => ['--type-add', `candidate:${glob}`]);
  const excludes = exclude.map((glob) => glob.replace(/^\.\//, '')).flatMap((glob) => ['--glob', `!${glob.startsWith('**') || glob.startsWith('/') ? glob : `/${glob}`}`]);
  const literals = [...PREFILTER_LITERALS.c, ...PREFILTER_LITERALS.kbuild].flatMap((literal) => ['-e', literal]);
  return [
    '--no-config',
    '--files-with-matches',
    '--null',
    '--stats',
    '--text',
    '--encoding',
    'none',
    '--hidden',
    '--no-ignore-parent',
    '--no-ignore-global',
    '--no-ignore-exclude',
    '--no-ignore-dot',
    ...types,
    '--type',
    'candidate',
    '--glob',
    '!.git',
    ...excludes,
    '--fixed-strings',
    ...literals,
    '--',
    root,
  ];
}

/**
 * Lists one folder's candidates that contain a prefilter literal, streaming them to `onFile`.
 * Resolves to undefined when rg cannot be started (the caller walks instead); rejects when rg
 * fails after it started, since the listing would then be incomplete.
 */
export function listWithRipgrep(rg: string, root: string, options: RipgrepListOptions): Promise<RipgrepListing | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(rg, ripgrepArgs(root, options.exclude), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let started = false;
    let cancelled = false;
    let listed = 0;
    let pending: Buffer = Buffer.alloc(0);
    let stderr = '';
    const checkCancelled = (): boolean => {
      if (!cancelled && options.isCancelled?.()) {
        cancelled = true;
        child.kill();
      }
      return cancelled;
    };
    // Between outputs too: a small folder is listed before the first poll.
    const poll = setInterval(checkCancelled, CANCEL_POLL_MS);
    child.on('spawn', () => {
      started = true;
    });
    child.stdout.on('data', (data: Buffer) => {
      if (checkCancelled()) return;
      pending = pending.length > 0 ? Buffer.concat([pending, data]) : data;
      let start = 0;
      for (let end = pending.indexOf(0); end >= 0; end = pending.indexOf(0, start)) {
        const file = pending.toString('utf8', start, end);
        start = end + 1;
        const kind = candidateKind(file);
        if (!kind) continue;
        listed++;
        options.onFile(file, kind);
      }
      pending = pending.subarray(start);
    });
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString('utf8');
    });
    child.on('error', (error) => {
      clearInterval(poll);
      if (started) reject(new Error(`ripgrep (${rg}) failed while listing ${root}: ${error.message}`));
      else {
        options.logger?.debug(`index: ripgrep (${rg}) could not be started (${(error as NodeJS.ErrnoException).code ?? error.message}); walking ${root} instead`);
        resolve(undefined);
      }
    });
    child.on('close', (code, signal) => {
      clearInterval(poll);
      for (const line of stderr.split('\n')) if (line.trim() !== '') options.logger?.debug(`index: ripgrep: ${line.trim()}`);
      if (cancelled) return resolve({ searched: listed, listed, cancelled: true });
      // 1: nothing matched; 2: some path could not be read (logged above, as the walk logs it).
      if (code !== 0 && code !== 1 && code !== 2) {
        return reject(new Error(`ripgrep (${rg}) failed while listing ${root}: ${signal ? `killed by ${signal}` : `exit status ${code}`}${stderr ? `: ${stderr.trim()}` : ''}`));
      }
      // After the last listed file, --stats prints "N files searched" (every candidate rg opened).
      const searched = /(\d+) files searched/.exec(pending.toString('utf8'));
      resolve({ searched: searched ? Number(searched[1]) : listed, listed, cancelled: false });
    });
  });
}

/**
 * The rg executable on PATH, or undefined. Only absolute PATH entries count: a relative one (`.`)
 * would run an `rg` from whatever folder the server runs in, which may be the workspace's.
 */
export function ripgrepOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, 'rg');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}
