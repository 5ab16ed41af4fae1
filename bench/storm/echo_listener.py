"""The Linux side of bench/run-storm.sh: an asyncio echo server on the kernel's TCP stack, backlog 4096 (the
kernel completes handshakes by itself; this only accepts, echoes and closes). Usage: echo_listener.py IP PORT.
Prints READY; runs until killed (the script kills it by PID)."""
import asyncio
import sys


async def handle(reader, writer):
    try:
        while True:
            data = await reader.read(4096)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, sys.argv[1], int(sys.argv[2]), backlog=4096, reuse_address=True)
    print("READY", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
