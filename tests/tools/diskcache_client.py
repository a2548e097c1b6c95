#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A hand-made NBD client for diskcache_test.sh.

It sends sm-diskcache what QEMU never does (requests past the end,
offsets that overflow, payloads over 32 MiB, unknown commands and flags,
bad magic, every option path) and checks the replies byte by byte.
Prints "ok: ..." or "FAIL: ..." per check; exits 1 if any failed.

usage: diskcache_client.py SOCKET SIZE FILL_BYTE
       diskcache_client.py fire SOCKET REQUEST... -- REQUEST...

The first leaves one unflushed 4 KiB write of 0x5a at offset 8192.

The second plays a client whose write fires the cut trigger.  The
requests before "--" are sent one at a time and must succeed; those
after it are sent at once, pipelined, and must get no reply at all
before the server closes the connection (at the cut): the first of them
is to fire the trigger, the rest are never to be read.  A REQUEST is
write:OFFSET:LENGTH:BYTE, write-fua:OFFSET:LENGTH:BYTE, trim:OFFSET:LENGTH,
zero:OFFSET:LENGTH or flush (numbers as Python reads them: 4096, 0x1000).
"""
import socket
import struct
import sys

INIT_MAGIC = 0x4E42444D41474943
OPTS_MAGIC = 0x49484156454F5054
REP_MAGIC = 0x3E889045565A9
REQUEST_MAGIC = 0x25609513
REPLY_MAGIC = 0x67446698

OPT_EXPORT_NAME, OPT_ABORT, OPT_LIST, OPT_INFO, OPT_GO = 1, 2, 3, 6, 7
OPT_STRUCTURED_REPLY = 8
REP_ACK, REP_INFO = 1, 3
REP_ERR_UNSUP, REP_ERR_INVALID = 0x80000001, 0x80000003
INFO_EXPORT, INFO_BLOCK_SIZE = 0, 3
CMD_READ, CMD_WRITE, CMD_DISC, CMD_FLUSH = 0, 1, 2, 3
CMD_TRIM, CMD_WRITE_ZEROES = 4, 6
FLAG_FUA, FLAG_NO_HOLE = 1, 2
EINVAL, ENOSPC = 22, 28
# HAS_FLAGS, SEND_FLUSH, SEND_FUA, SEND_TRIM, SEND_WRITE_ZEROES
TRANSMISSION_FLAGS = 0x1 | 0x4 | 0x8 | 0x20 | 0x40
MAX_PAYLOAD = 32 << 20

failed = 0


def check(what, cond, detail=""):
    global failed
    if cond:
        print(f"ok: {what}")
    else:
        failed += 1
        print(f"FAIL: {what} {detail}")


class Closed(Exception):
    pass


class Client:
    def __init__(self, path, client_flags=3):
        self.sk = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sk.settimeout(20)
        self.sk.connect(path)
        magic, opts, self.handshake_flags = struct.unpack(
            ">QQH", self.recv(18))
        if magic != INIT_MAGIC or opts != OPTS_MAGIC:
            raise RuntimeError("bad greeting")
        self.sk.sendall(struct.pack(">I", client_flags))
        self.handle = 0

    def recv(self, n):
        data = b""
        while len(data) < n:
            try:
                chunk = self.sk.recv(n - len(data))
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                raise Closed()
            data += chunk
        return data

    def closed_by_server(self):
        try:
            self.recv(1)
        except Closed:
            return True
        except socket.timeout:
            return False
        return False

    def option(self, option, data=b"", magic=OPTS_MAGIC):
        self.sk.sendall(struct.pack(">QII", magic, option, len(data)) + data)

    def option_reply(self):
        magic, option, rtype, length = struct.unpack(">QIII", self.recv(20))
        if magic != REP_MAGIC:
            raise RuntimeError("bad option reply magic")
        return option, rtype, self.recv(length)

    def info(self, option, name=b"", requests=(INFO_BLOCK_SIZE,)):
        data = struct.pack(">I", len(name)) + name
        data += struct.pack(">H", len(requests))
        data += b"".join(struct.pack(">H", r) for r in requests)
        self.option(option, data)
        replies = []
        while True:
            reply = self.option_reply()
            replies.append(reply)
            if reply[1] != REP_INFO:
                return replies

    def request(self, cmd, offset, length, flags=0, payload=b""):
        self.handle += 1
        self.sk.sendall(struct.pack(">IHHQQI", REQUEST_MAGIC, flags, cmd,
                                    self.handle, offset, length) + payload)

    def reply(self, data_length=0):
        magic, error, handle = struct.unpack(">IIQ", self.recv(16))
        if magic != REPLY_MAGIC or handle != self.handle:
            raise RuntimeError("bad reply")
        data = self.recv(data_length) if not error and data_length else b""
        return error, data

    def call(self, cmd, offset, length, flags=0, payload=b""):
        self.request(cmd, offset, length, flags, payload)
        return self.reply(length if cmd == CMD_READ else 0)


def options(path, size):
    c = Client(path)
    check("greeting offers fixed newstyle and no zeroes",
          c.handshake_flags == 3, c.handshake_flags)
    for option in (OPT_STRUCTURED_REPLY, OPT_LIST, 5, 10, 999):
        c.option(option, b"x" * 3)
        _, rtype, _ = c.option_reply()
        check(f"option {option} is refused as unsupported",
              rtype == REP_ERR_UNSUP, hex(rtype))
    replies = c.info(OPT_INFO)
    export = struct.pack(">HQH", INFO_EXPORT, size, TRANSMISSION_FLAGS)
    block = struct.pack(">HIII", INFO_BLOCK_SIZE, 1, 4096, MAX_PAYLOAD)
    check("INFO: export size and flags, block sizes, ACK",
          replies == [(OPT_INFO, REP_INFO, export),
                      (OPT_INFO, REP_INFO, block),
                      (OPT_INFO, REP_ACK, b"")], replies)
    replies = c.info(OPT_INFO, requests=())
    check("INFO without requests: no block sizes",
          [r[1] for r in replies] == [REP_INFO, REP_ACK], replies)
    c.option(OPT_GO, struct.pack(">I", 100) + b"short")
    check("GO with a name longer than its data: ERR_INVALID",
          c.option_reply()[1] == REP_ERR_INVALID)
    c.option(OPT_GO, struct.pack(">IH", 0, 2) + b"\0\3")
    check("GO with fewer requests than counted: ERR_INVALID",
          c.option_reply()[1] == REP_ERR_INVALID)
    replies = c.info(OPT_GO, name=b"any name")
    check("GO: the export under any name",
          [r[1] for r in replies] == [REP_INFO, REP_INFO, REP_ACK], replies)
    return c


def requests(c, size, fill):
    error, data = c.call(CMD_READ, 0, 4096)
    check("READ inside the disk", error == 0 and data == fill * 4096)
    check("READ past the end: EINVAL",
          c.call(CMD_READ, size - 512, 1024)[0] == EINVAL)
    check("READ whose offset + length overflows: EINVAL",
          c.call(CMD_READ, 2**64 - 512, 4096)[0] == EINVAL)
    check("READ of 32 MiB + 1: EINVAL",
          c.call(CMD_READ, 0, MAX_PAYLOAD + 1)[0] == EINVAL)
    check("WRITE past the end (payload consumed): ENOSPC",
          c.call(CMD_WRITE, size - 2048, 4096,
                 payload=b"\xee" * 4096)[0] == ENOSPC)
    check("WRITE whose offset + length overflows: EINVAL",
          c.call(CMD_WRITE, 2**64 - 4096, 8192,
                 payload=b"\xee" * 8192)[0] == EINVAL)
    check("WRITE of 32 MiB + 1 (payload consumed): EINVAL",
          c.call(CMD_WRITE, 0, MAX_PAYLOAD + 1,
                 payload=b"\xee" * (MAX_PAYLOAD + 1))[0] == EINVAL)
    check("TRIM past the end: ENOSPC", c.call(4, size, 512)[0] == ENOSPC)
    for cmd in (5, 7, 8, 100):
        check(f"command {cmd}: EINVAL", c.call(cmd, 0, 512)[0] == EINVAL)
    check("FLUSH with a length: EINVAL",
          c.call(CMD_FLUSH, 0, 4096)[0] == EINVAL)
    check("READ with NO_HOLE: EINVAL",
          c.call(CMD_READ, 0, 512, flags=FLAG_NO_HOLE)[0] == EINVAL)
    check("WRITE with an unknown flag: EINVAL",
          c.call(CMD_WRITE, 0, 512, flags=0x100,
                 payload=b"\xee" * 512)[0] == EINVAL)
    check("READ with FUA is accepted",
          c.call(CMD_READ, 0, 512, flags=FLAG_FUA)[0] == 0)
    error, data = c.call(CMD_READ, 0, 0)
    check("READ of 0 bytes", error == 0 and data == b"")
    error, data = c.call(CMD_READ, 0, 65536)
    check("nothing refused was written",
          error == 0 and data == fill * 65536)
    check("WRITE inside the disk",
          c.call(CMD_WRITE, 8192, 4096, payload=b"\x5a" * 4096)[0] == 0)
    error, data = c.call(CMD_READ, 8192, 4096)
    check("READ sees the write", error == 0 and data == b"\x5a" * 4096)
    c.sk.sendall(struct.pack(">IHHQQI", 0x12345678, 0, CMD_READ, 1, 0, 512))
    check("bad request magic: connection dropped", c.closed_by_server())


def other_connections(path, size, fill):
    c = Client(path, client_flags=1)
    c.option(OPT_EXPORT_NAME, b"")
    reply = c.recv(8 + 2 + 124)
    check("EXPORT_NAME without NO_ZEROES: size, flags, 124 zeros",
          reply == struct.pack(">QH", size, TRANSMISSION_FLAGS) + bytes(124))
    error, data = c.call(CMD_READ, 4096, 512)
    check("READ after EXPORT_NAME", error == 0 and data == fill * 512)
    c.request(CMD_DISC, 0, 0)
    check("DISC: the server closes", c.closed_by_server())

    c = Client(path)
    c.option(OPT_ABORT)
    check("ABORT: ACK", c.option_reply()[1:] == (REP_ACK, b""))
    check("ABORT: then the server closes", c.closed_by_server())

    c = Client(path)
    c.option(OPT_GO, b"", magic=0x1234)
    check("bad option magic: connection dropped", c.closed_by_server())

    c = Client(path, client_flags=2)
    check("client without FIXED_NEWSTYLE: dropped", c.closed_by_server())

    c = Client(path, client_flags=7)
    check("unknown client flags: dropped", c.closed_by_server())


def parse_request(text):
    """'write:4096:512:0xaa' -> (cmd, offset, length, flags, payload)"""
    kind, *fields = text.split(":")
    numbers = [int(f, 0) for f in fields]
    if kind == "flush" and not numbers:
        return CMD_FLUSH, 0, 0, 0, b""
    if kind in ("write", "write-fua") and len(numbers) == 3:
        offset, length, byte = numbers
        flags = FLAG_FUA if kind == "write-fua" else 0
        return CMD_WRITE, offset, length, flags, bytes([byte]) * length
    if kind in ("trim", "zero") and len(numbers) == 2:
        cmd = CMD_TRIM if kind == "trim" else CMD_WRITE_ZEROES
        return cmd, numbers[0], numbers[1], 0, b""
    raise ValueError(f"bad request '{text}'")


def fire(path, answered, unanswered):
    c = Client(path)
    replies = c.info(OPT_GO)
    if replies[-1][1] != REP_ACK:
        raise RuntimeError("GO refused")
    for text in answered:
        check(f"{text}: done", c.call(*parse_request(text))[0] == 0)
    data = b""
    for text in unanswered:
        cmd, offset, length, flags, payload = parse_request(text)
        c.handle += 1
        data += struct.pack(">IHHQQI", REQUEST_MAGIC, flags, cmd, c.handle,
                            offset, length) + payload
    c.sk.sendall(data)
    # Until the cut, however long the harness takes to get there.
    c.sk.settimeout(120)
    try:
        got = c.sk.recv(1)
    except ConnectionResetError:
        got = b""   # closed with our requests unread
    except socket.timeout:
        got = b"(no close in 120 s)"
    check(f"{' '.join(unanswered)}: no reply before the server closed "
          "the connection", got == b"", got)


def main():
    if sys.argv[1] == "fire":
        split = sys.argv.index("--")
        fire(sys.argv[2], sys.argv[3:split], sys.argv[split + 1:])
        return 1 if failed else 0
    path, size, fill = sys.argv[1], int(sys.argv[2]), bytes([int(sys.argv[3], 16)])
    c = options(path, size)
    requests(c, size, fill)
    other_connections(path, size, fill)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
