"""Echo server (RFC 862) on the Linux stack for bench/run-loss.sh: HOST PORT DEADLINE. One thread per connection
moves what recv() returns (up to 256 KiB) back with sendall(); the client reads concurrently, so neither side can
block the other for good (socat's PIPE address can: it writes into its own pipe with blocking writes). Bounded:
every socket has a timeout and the server exits DEADLINE seconds after its last connection started."""
import socket, sys, threading

host, port, deadline = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, port))
srv.listen(64)
srv.settimeout(deadline)

def echo(c):
    try:
        c.settimeout(deadline)
        while True:
            b = c.recv(1 << 18)
            if not b:
                break
            c.sendall(b)
        c.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        c.close()

try:
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=echo, args=(conn,), daemon=True).start()
except socket.timeout:
    pass
