// The integration tests start their own PostgreSQL and Redis (harness/global-services.ts) from
// Debian's packages. On a fresh Debian machine where we are root, install them; anywhere else,
// say exactly what is missing.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const postgresPresent =
  (process.env.PG_BIN_DIR && existsSync(`${process.env.PG_BIN_DIR}/postgres`)) ||
  (existsSync('/usr/lib/postgresql') &&
    readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`)));
const onPath = (name) => {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const redisPresent = process.env.REDIS_SERVER_PATH
  ? existsSync(process.env.REDIS_SERVER_PATH)
  : onPath('redis-server');

const missing = [...(postgresPresent ? [] : ['postgresql']), ...(redisPresent ? [] : ['redis-server'])];
if (missing.length > 0) {
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(
      `The tests need ${missing.join(' and ')}. Install ${missing.length > 1 ? 'them' : 'it'} (Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}), or set PG_BIN_DIR / REDIS_SERVER_PATH.`,
    );
    process.exit(1);
  }
  console.log(`Installing Debian's ${missing.join(' and ')} for the integration tests…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
}
