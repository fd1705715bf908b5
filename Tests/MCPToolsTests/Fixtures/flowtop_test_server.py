"""A small MCP server for flowtop's tests, on the `mcp` package's MCPServer (FastMCP in mcp 1.x).

    python flowtop_test_server.py stdio   # MCP over stdin/stdout
    python flowtop_test_server.py http    # streamable HTTP on a free loopback port, printed as "PORT n"

Its tools cover what the real servers from PyPI do not: progress notifications, a call that never answers, a
server that dies mid-call and one that writes something that is not JSON-RPC.
"""

import os
import socket
import sys

import anyio
from mcp.server.mcpserver import Context, MCPServer

server = MCPServer("flowtop-test")


@server.tool()
def echo(text: str, times: int = 1) -> str:
    """Echo the text back, `times` times."""
    return " ".join([f"echo: {text}"] * times)


@server.tool()
async def count(steps: int, ctx: Context) -> str:
    """Count to `steps`, reporting progress at each step."""
    for step in range(1, steps + 1):
        await ctx.report_progress(step, steps, f"step {step} of {steps}")
    return f"counted to {steps}"


@server.tool()
async def hang() -> str:
    """Never answer."""
    await anyio.sleep(3600)
    return "unreachable"


@server.tool()
def fail() -> str:
    """Fail as a tool (an isError result)."""
    raise ValueError("the fail tool always fails")


@server.tool()
def crash() -> str:
    """End the server process mid-call."""
    os._exit(3)


@server.tool()
async def garble() -> str:
    """Write a line that is not JSON-RPC to stdout, then never answer."""
    os.write(1, b"this is not JSON-RPC\n")
    await anyio.sleep_forever()
    return "unreachable"


def serve_http() -> None:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(server.streamable_http_app(), log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    if sys.argv[1:] == ["http"]:
        serve_http()
    else:
        server.run("stdio")
