// An MCP client made with the official TypeScript SDK (@modelcontextprotocol/sdk), as agents are: starts the server
// command (argv[2], a JSON array) over stdio, lists its tools and calls one (argv[3]: {"name", "arguments"});
// prints {"tools": [...names], "readOnly": [...], "result": {...}} as JSON.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, ...args] = JSON.parse(process.argv[2]);
const call = JSON.parse(process.argv[3]);
const transport = new StdioClientTransport({ command, args, stderr: "inherit" });
const client = new Client({ name: "ngxdoctor-scenario", version: "1.0.0" });
await client.connect(transport);
const { tools } = await client.listTools();
const result = await client.callTool({ name: call.name, arguments: call.arguments }, undefined, { timeout: 120000 });
process.stdout.write(JSON.stringify({
  tools: tools.map(t => t.name),
  readOnly: tools.filter(t => t.annotations?.readOnlyHint === true).map(t => t.name),
  result,
}));
await client.close();
