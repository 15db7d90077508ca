// Process entry of the lab's token service: `node token-server-main.js <stateDir> <port>`.
import { loadSigningKey } from './signing.ts';
import { createTokenServer } from './token-server.ts';

const [stateDir, portArg] = process.argv.slice(2);
if (!stateDir || !portArg) {
  process.stderr.write('usage: token-server-main <stateDir> <port>\n');
  process.exit(2);
}
const server = createTokenServer(loadSigningKey(stateDir), (l) => process.stdout.write(`${new Date().toISOString()} ${l}\n`));
server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write(`${new Date().toISOString()} token service listening on 127.0.0.1:${portArg}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
