"""A real MCP client for Exosphere's tests: the official Python SDK over
streamable HTTP. Reads steps as JSON on stdin:
    {"url": "http://127.0.0.1:N/mcp", "steps": [
        {"token": "exo_..." | null, "action": "list"},
        {"token": ..., "action": "call", "tool": "sphere_getSphere", "arguments": {...}}]}
Runs each step in its own session (connect, initialize, then the action)
and prints one JSON list of results on stdout:
    list -> {"protocol": "...", "tools": [{"name", "readOnly", "outputSchema", "description"}]}
    call -> {"isError": bool, "text": "...", "structured": {...} | null}
    a session that could not be opened -> {"failed": "..."}
"""

import asyncio
import json
import sys

from mcp import ClientSession
from mcp.client.streamable_http import streamablehttp_client


async def step(url, s):
    headers = {"Authorization": f"Bearer {s['token']}"} if s.get("token") else {}
    async with streamablehttp_client(url, headers=headers) as (read, write, _):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            if s["action"] == "list":
                listed = await session.list_tools()
                return {
                    "protocol": init.protocolVersion,
                    "server": init.serverInfo.name,
                    "tools": [
                        {
                            "name": t.name,
                            "description": t.description,
                            "readOnly": bool(t.annotations and t.annotations.readOnlyHint),
                            "inputSchema": t.inputSchema,
                            "outputSchema": t.outputSchema,
                        }
                        for t in listed.tools
                    ],
                }
            # The SDK checks structuredContent against the tool's outputSchema,
            # which it learns from tools/list.
            await session.list_tools()
            result = await session.call_tool(s["tool"], s.get("arguments") or {})
            text = "".join(c.text for c in result.content if getattr(c, "type", "") == "text")
            return {"isError": bool(result.isError), "text": text, "structured": result.structuredContent}


async def main():
    request = json.load(sys.stdin)
    results = []
    for s in request["steps"]:
        try:
            results.append(await step(request["url"], s))
        except BaseException as e:  # noqa: BLE001 - a refused session is a result too
            while isinstance(e, BaseExceptionGroup) and e.exceptions:
                e = e.exceptions[0]
            results.append({"failed": f"{type(e).__name__}: {e}"})
    print(json.dumps(results))


asyncio.run(main())
