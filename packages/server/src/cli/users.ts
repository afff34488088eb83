import { createInterface } from 'node:readline';
import { buildApp } from '../app.js';
import type { Config } from '../config/load.js';

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
  const password = await prompt('Password: ');
  if ((await prompt('Repeat password: ')) !== password) throw new Error('the passwords do not match');
  return password;
}

/** The id of a user named by e-mail or id, or undefined. */
export async function resolveUserId(config: Config, idOrEmail: string): Promise<string | undefined> {
  const app = await buildApp({ ...config, logLevel: 'silent' }, { logger: false });
  try {
    return (await app.gatehouse.userAdmin.find(idOrEmail).catch(() => undefined))?.id;
  } finally {
    await app.close();
  }
}

/** `gatehouse users create <email> [--admin] [--password-stdin]`. */
export async function createUserCommand(
  config: Config,
  email: string,
  opts: { admin: boolean; passwordStdin: boolean },
): Promise<void> {
  const password = await readPassword(opts.passwordStdin);
  const app = await buildApp({ ...config, logLevel: 'silent' }, { logger: false });
  try {
    const user = await app.gatehouse.accounts.createUser({
      email,
      password,
      roles: opts.admin ? ['admin', 'user'] : ['user'],
      // Created by whoever runs the server: the address is taken as given.
      emailVerified: true,
    });
    process.stdout.write(`created ${opts.admin ? 'admin' : 'user'} ${user.email} (${user.id})\n`);
  } finally {
    await app.close();
  }
}
