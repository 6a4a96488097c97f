/**
 * SIPVicious (Debian `sipvicious`) as the real attacker. svcrack 0.3.3
 * ignores its own --bindingip option (main() never passes it on), so it is
 * run through a three-line wrapper that sets the source address — the only
 * way to crack "from 127.0.0.66" while the legitimate phone uses 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const WRAPPER = `import sys
sys.path.insert(0, sys.argv.pop(1))
bind = sys.argv.pop(1)
from sipvicious import svcrack
init = svcrack.ASipOfRedWine.__init__
def bound_init(self, *args, **kwargs):
    kwargs.setdefault('bindingip', bind)
    init(self, *args, **kwargs)
svcrack.ASipOfRedWine.__init__ = bound_init
sys.argv[0] = 'svcrack'
sys.exit(svcrack.main())
`;

export interface SvcrackRun {
  /** host:port of the edge */
  host: string;
  port: number;
  /** Source address of the attack. */
  bind: string;
  username: string;
  domain: string;
  wordlist: string[];
  /** svcrack gives up after this many seconds without a response. */
  maximumTime: number;
}

export interface SvcrackResult {
  code: number | null;
  output: string;
  /** The password svcrack reports as cracked, if any. */
  cracked?: string;
}

export async function runSvcrack(run: SvcrackRun): Promise<SvcrackResult> {
  const dir = await mkdtemp(join(tmpdir(), 'nimbus-svcrack-'));
  const wordlist = join(dir, 'wordlist.txt');
  await writeFile(wordlist, `${run.wordlist.join('\n')}\n`);
  const wrapper = join(dir, 'svcrack-bound.py');
  await writeFile(wrapper, WRAPPER);
  // The interpreter and the module folder of the installed svcrack (its shebang; /usr/bin/svcrack links into the package).
  const script = await realpath(execFileSync('sh', ['-c', 'command -v svcrack']).toString().trim());
  const python = (await readFile(script, 'utf8')).split('\n')[0]!.replace(/^#!\s*/, '').trim();
  const args = [wrapper, dirname(script), run.bind, '-u', run.username, '-d', wordlist, '--domain', run.domain, '-p', String(run.port), '--maximumtime', String(run.maximumTime), run.host];
  const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const cracked = /The password for \S+ is (\S+)/.exec(output)?.[1];
  return { code, output, ...(cracked !== undefined ? { cracked } : {}) };
}
