import { createInterface } from 'node:readline';
import type { Config } from '../config/load.js';
import { withCommandApp } from './command-app.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks twice without echoing: the password never lands in shell history or `ps`. */
async function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const muted = rl as unknown as { _writeToOutput: (s: string) => void };
  process.stderr.write(question);
  muted._writeToOutput = () => {};
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  process.stderr.write('\n');
  return answer;
}

/** A password from stdin, or asked twice at the terminal. */
export async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  // Without a terminal nobody can answer a prompt: a script must say where the password comes from.
  if (!process.stdin.isTTY) {
    throw new Error(
      'no terminal to ask for the password: pipe it in with --password-stdin ' +
        '(printf %s "$PASSWORD" | gatehouse users create <email> --password-stdin)',
    );
  }
  const password = await prompt('Password: ');
  if ((await prompt('Repeat password: ')) !== password) throw new Error('the passwords do not match');
  return password;
}

/** The id of a user named by e-mail or id, or undefined. */
export async function resolveUserId(config: Config, idOrEmail: string): Promise<string | undefined> {
  return withCommandApp(
    config,
    'read',
    async (app) => (await app.gatehouse.userAdmin.find(idOrEmail).catch(() => undefined))?.id,
  );
}

/** `gatehouse users create <email> [--admin] [--password-stdin]`. */
export async function createUserCommand(
  config: Config,
  email: string,
  opts: { admin: boolean; passwordStdin: boolean },
): Promise<void> {
  const password = await readPassword(opts.passwordStdin);
  await withCommandApp(config, 'write', async (app) => {
    const user = await app.gatehouse.accounts.createUser({
      email,
      password,
      roles: opts.admin ? ['admin', 'user'] : ['user'],
      // Created by whoever runs the server: the address is taken as given.
      emailVerified: true,
    });
    process.stdout.write(`created ${opts.admin ? 'admin' : 'user'} ${user.email} (${user.id})\n`);
  });
}
