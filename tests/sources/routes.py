"""Server routes that need more than a fixed answer: dripping, streaming past the limit, resetting."""

import socket
import struct
import time


def drip(handler, *, interval: float = 0.05, size: int = 1000):
    """Headers at once, then one byte every `interval`: never a read timeout, always the time limit."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(size))
    handler.end_headers()
    if handler.command == "HEAD":
        return
    for _ in range(size):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(interval)


def endless_chunks(handler, *, chunk: int = 16 * 1024, count: int = 200):
    """A chunked body with no Content-Length, far past any limit the tests set."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    if handler.command == "HEAD":
        return
    for _ in range(count):
        handler.wfile.write(b"%x\r\n%s\r\n" % (chunk, b"a" * chunk))
    handler.wfile.write(b"0\r\n\r\n")


def reset(handler):
    """Close the connection with a TCP reset before answering."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()
    handler.close_connection = True


def slow_page(handler, *, seconds: float, title: str = "Slow page"):
    """A whole HTML page, sent over `seconds`: a byte every fraction of a second, never a read timeout."""
    body = f"<!doctype html><html><head><title>{title}</title></head><body>".encode()
    tail = b"<p>done</p></body></html>"
    pad = max(1, int(seconds * 4))
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body) + pad + len(tail)))
    handler.end_headers()
    if handler.command == "HEAD":
        return
    handler.wfile.write(body)
    for _ in range(pad):
        time.sleep(seconds / pad)
        handler.wfile.write(b" ")
        handler.wfile.flush()
    handler.wfile.write(tail)
