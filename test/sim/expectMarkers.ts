// The `// expect: ID ERRNO | message` markers of check fixtures (ERRNO `-` when there is none;
// `\n` in the message separates log lines).

export interface Expected {
  readonly check: string;
  readonly line: number;
  readonly errno: string;
  readonly message: string;
}

export function expectations(text: string): Expected[] {
  const out: Expected[] = [];
  text.split('\n').forEach((line, index) => {
    const m = /\/\/ expect: (\S+) (\S+) \| (.*)$/.exec(line);
    if (m) out.push({ check: m[1], line: index + 1, errno: m[2], message: m[3].replace(/\\n/g, '\n') });
  });
  return out;
}
