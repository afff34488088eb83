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

/** `gatehouse users create <email> [--admin] [--password-stdin]`. */
export async function createUserCommand(
  config: Config,
  email: string,
  opts: { admin: boolean; passwordStdin: boolean },
): Promise<void> {
  let password: string;
  if (opts.passwordStdin) password = await readStdin();
  else {
    password = await prompt('Password: ');
    if ((await prompt('Repeat password: ')) !== password) throw new Error('the passwords do not match');
  }
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
