/**
 * The command-line shell: `npm run imlab -- <command> [--json]`. Thin: it parses
 * arguments, calls the core, prints. Errors print as a message (or as
 * {"error":…} with --json) and exit with 2 for bad input, 1 otherwise
 * (core/wireError.ts, the mapping every shell shares).
 */
import { isImlabError } from '../shared/errors';
import { BENCH_HELP, benchCommand } from './cli/commands/bench';
import { envsCommand } from './cli/commands/envs';
import { RUN_HELP, runCommand } from './cli/commands/run';
import { datasetsCommand, executorCommand, listCommand, QUEUE_HELP, queueCommand, runControlCommand, showCommand, workCommand } from './cli/commands/queueCommands';
import { SERVE_HELP, serveCommand } from './cli/commands/serve';
import { exportCommand, importCommand, TRANSFER_HELP } from './cli/commands/transfer';
import { SIM_HELP, simCommand } from './cli/commands/sim';
import { createOutput } from './cli/output';
import { CLI_EXIT, cliExitCode, toWireError } from './core/wireError';

const HELP = `Imitation Lab command line

usage: npm run imlab -- <command> [options] [--json]

commands:
  envs                       the environments with their observation/action sizes
  ${SIM_HELP.split('\n').join('\n  ')}
  ${BENCH_HELP.split('\n').join('\n  ')}
  ${RUN_HELP.split('\n').join('\n  ')}
  ${QUEUE_HELP.split('\n').join('\n  ')}
  ${TRANSFER_HELP.split('\n').join('\n  ')}
  ${SERVE_HELP.split('\n').join('\n  ')}

--json prints machine-readable JSON on stdout (use npm run --silent to keep npm's banner out).`;

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const out = createOutput(json);
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'envs':
        envsCommand(out);
        return 0;
      case 'sim':
        await simCommand(rest, out);
        return 0;
      case 'bench':
        await benchCommand(rest, out);
        return 0;
      case 'run':
        return await runCommand(rest, out);
      case 'queue':
        return await queueCommand(rest, out);
      case 'work':
        return await workCommand(rest, out);
      case 'executor':
        return await executorCommand(rest, out);
      case 'list':
        return await listCommand(rest, out);
      case 'show':
        return await showCommand(rest, out);
      case 'datasets':
        return await datasetsCommand(rest, out);
      case 'cancel':
      case 'retry':
      case 'resume':
      case 'delete':
        return await runControlCommand(command, rest, out);
      case 'serve':
        return await serveCommand(rest, out);
      case 'export':
        return await exportCommand(rest, out);
      case 'import':
        return await importCommand(rest, out);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${HELP}\n`);
        return 0;
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${HELP}\n`);
        return CLI_EXIT.badInput;
    }
  } catch (caught) {
    const error = toWireError(caught);
    if (json) {
      process.stderr.write(`${JSON.stringify({ error })}\n`);
    } else {
      process.stderr.write(`error: ${error.message}\n`);
      if (error.code === 'internal' && !isImlabError(caught) && caught instanceof Error && caught.stack) process.stderr.write(`${caught.stack}\n`);
    }
    return cliExitCode(error.code);
  }
}

process.exitCode = await main(process.argv.slice(2));
