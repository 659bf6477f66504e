// A real Cube server (@cubejs-backend/server 0.28.64, the last line that runs without the
// native binary Cube 1.x downloads from GitHub) over ClickHouse, for tests/remote*.rs.
//   NODE_PATH=<cube install>/node_modules PORT=… CUBEJS_DB_*=… CUBEJS_API_SECRET=… node server.cjs
// Prints a token (a JWT signed with the API secret) on stdout once listening.
const path = require('path');
const CubejsServer = require('@cubejs-backend/server');
const jwt = require('jsonwebtoken');

const server = new CubejsServer({
  apiSecret: process.env.CUBEJS_API_SECRET,
  devServer: false,
  schemaPath: path.relative(process.cwd(), path.join(__dirname, 'schema')),
  logger: () => {},
});
server
  .listen()
  .then(({ port }) => console.log(`listening ${port} token ${jwt.sign({}, process.env.CUBEJS_API_SECRET)}`))
  .catch((e) => {
    console.error('Cube failed to start:', e);
    process.exit(1);
  });
