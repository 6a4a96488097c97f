/**
 * `npx nimbus <resource> <verb>`: the admin API from a shell, against the
 * local stack or the cloud (connection.ts). Tables for people, --json for
 * scripts; a refusal prints the HTTP status and the API's message.
 *
 * Exit codes: 0 done, 1 the API refused (4xx/5xx), 2 bad usage (unknown
 * verb, missing argument, bad option value, no token), 3 the API cannot be
 * reached.
 */
import { Command, CommanderError, Option } from 'commander';
import { ApiError, callApi, NetworkError } from './api-client.js';
import { InputError, type ResourceSpec, type VerbInput, type VerbSpec } from './command-spec.js';
import { resolveConnection, UsageError } from './connection.js';
import { render } from './output.js';
import { RESOURCES } from './resources/index.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

interface GlobalFlags {
  url?: string;
  token?: string;
  tenant?: string;
  json?: boolean;
}

const EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3 } as const;

function verbCommand(spec: VerbSpec, io: CliIo, run: (spec: VerbSpec, cmd: Command) => Promise<void>): Command {
  const cmd = new Command(spec.verb).description(spec.summary);
  for (const arg of spec.args ?? []) cmd.argument(arg);
  for (const option of spec.options ?? []) cmd.addOption(new Option(option.flags, option.description));
  cmd.action(async (...params: unknown[]) => run(spec, params[params.length - 1] as Command));
  cmd.configureOutput({ writeOut: io.out, writeErr: io.err }).showHelpAfterError('(add --help for usage)');
  return cmd;
}

/** commander's values → the verb's input: arguments by name, options parsed, the tenant checked. */
function inputOf(spec: VerbSpec, cmd: Command, io: CliIo): VerbInput {
  const flags = cmd.optsWithGlobals<GlobalFlags & Record<string, unknown>>();
  const args: Record<string, string | undefined> = {};
  const lists: Record<string, string[]> = {};
  (spec.args ?? []).forEach((arg, i) => {
    const name = arg.replace(/[<>[\].]/g, '');
    const value = cmd.processedArgs[i] as string | string[] | undefined;
    if (Array.isArray(value)) lists[name] = value;
    else args[name] = value;
  });
  const options: Record<string, unknown> = {};
  for (const option of spec.options ?? []) {
    const name = new Option(option.flags).attributeName();
    const raw = flags[name];
    if (raw === undefined) continue;
    options[name] = option.parse && typeof raw === 'string' ? option.parse(raw) : raw;
  }
  const tenant = flags.tenant ?? io.env.NIMBUS_TENANT ?? '';
  if (spec.tenant && tenant === '') throw new UsageError('--tenant is required (or set NIMBUS_TENANT)');
  return { args, lists, options, tenant };
}

export function buildProgram(io: CliIo, resources: readonly ResourceSpec[] = RESOURCES): Command {
  const program = new Command('nimbus')
    .description('Nimbus PBX admin API from the command line (docs/admin.md)')
    .option('--url <url>', 'admin API base, e.g. http://127.0.0.1:8080 (env NIMBUS_URL; default the local stack)')
    .option('--token <token>', 'bearer token (env NIMBUS_TOKEN; default the local stack\'s .pbx-data/admin-token)')
    .option('--tenant <id>', 'tenant of the resource (env NIMBUS_TENANT)')
    .option('--json', "print the API's JSON reply instead of a table")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  const run = async (spec: VerbSpec, cmd: Command): Promise<void> => {
    const input = inputOf(spec, cmd, io);
    const flags = cmd.optsWithGlobals<GlobalFlags>();
    const connection = resolveConnection(flags, io.env, io.cwd);
    const body = await callApi(connection, await spec.request(input));
    const rendering = typeof spec.render === 'function' ? spec.render(input) : spec.render;
    io.out(render(body, rendering, Boolean(flags.json)));
    const note = spec.afterOutput?.(input, body);
    if (note) io.err(`${note}\n`);
  };

  for (const resource of resources) {
    const group = new Command(resource.resource).description(resource.summary).configureOutput({ writeOut: io.out, writeErr: io.err }).showHelpAfterError('(add --help for usage)').exitOverride();
    for (const spec of resource.verbs) group.addCommand(verbCommand(spec, io, run).exitOverride());
    program.addCommand(group);
  }
  return program;
}

/** Runs one command line (argv without node and the script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not failures; commander has printed the problem already.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof ApiError) {
      io.err(`nimbus: ${err.message}\n`);
      return EXIT.refused;
    }
    if (err instanceof UsageError || err instanceof InputError) {
      io.err(`nimbus: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof NetworkError) {
      io.err(`nimbus: ${err.message}\n`);
      return EXIT.unreachable;
    }
    throw err;
  }
}
