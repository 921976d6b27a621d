// A minimal MCP server over stdio for the relay-fixtures capture (CodexFixtureCapture): one tool,
// echo_text, that returns its argument. Messages are newline-delimited JSON-RPC 2.0, as the MCP
// stdio transport specifies; it answers initialize, tools/list and tools/call, and refuses every
// other request with -32601 so that Codex sees a well-behaved server. Run by Codex as
// `node mcp-echo-server.js` from [mcp_servers.echo] in config.
'use strict';
const readline = require('readline');

const TOOL = {
  name: 'echo_text',
  description: 'Returns the given text unchanged.',
  inputSchema: {
    type: 'object',
    properties: { text: { type: 'string', description: 'The text to echo.' } },
    required: ['text'],
    additionalProperties: false,
  },
};

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === '') return;
  let request;
  try {
    request = JSON.parse(line);
  } catch (e) {
    send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    return;
  }
  if (request.id === undefined || request.id === null) return; // a notification
  const reply = (result) => send({ jsonrpc: '2.0', id: request.id, result });
  switch (request.method) {
    case 'initialize':
      reply({
        protocolVersion: (request.params && request.params.protocolVersion) || '2025-06-18',
        capabilities: { tools: {} },
        serverInfo: { name: 'echo', version: '1.0.0' },
      });
      break;
    case 'tools/list':
      reply({ tools: [TOOL] });
      break;
    case 'tools/call': {
      const text = String(((request.params || {}).arguments || {}).text || '');
      reply({ content: [{ type: 'text', text }], isError: false });
      break;
    }
    case 'ping':
      reply({});
      break;
    default:
      send({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: 'Method not found: ' + request.method } });
  }
});
