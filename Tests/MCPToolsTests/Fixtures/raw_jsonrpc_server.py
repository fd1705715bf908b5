"""A server that speaks just enough MCP by hand (initialize, tools/list) to be started, then answers every
tools/call with a line that is not JSON-RPC: the one fault the `mcp` package's servers cannot produce, since
they guard their stdout. Plain Python, no packages."""

import json
import sys

for line in sys.stdin:
    message = json.loads(line)
    method, ident = message.get("method"), message.get("id")
    if method == "initialize":
        result = {
            "protocolVersion": message["params"]["protocolVersion"],
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "raw", "version": "1"},
        }
    elif method == "tools/list":
        result = {"tools": [{"name": "garble", "description": "Answers with garbage.", "inputSchema": {"type": "object"}}]}
    elif method == "tools/call":
        sys.stdout.write("this is not JSON-RPC\n")
        sys.stdout.flush()
        continue
    else:
        continue
    sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": ident, "result": result}) + "\n")
    sys.stdout.flush()
