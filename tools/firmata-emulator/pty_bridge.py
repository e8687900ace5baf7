"""Pseudo-terminal bridge for the Firmata emulator (Node has no built-in pty).

Opens a pty pair, prints the device path as the first stdout line, then copies bytes between the
pty and this process's stdin/stdout unchanged. A client opening or closing the device is reported
on stderr as the lines "open" / "close" (the emulated board reboots on open, like an Arduino reset
by DTR). Exits when stdin closes.
"""
import os
import pty
import select
import sys
import time
import tty

master, slave = pty.openpty()
tty.setraw(slave)
path = os.ttyname(slave)
# Hold no slave descriptor of our own: the master then reports a hang-up while no client has the
# device open, which is how open and close are detected.
os.close(slave)
sys.stdout.buffer.write((path + "\n").encode())
sys.stdout.flush()

stdin = sys.stdin.buffer.fileno()
stdout = sys.stdout.buffer.fileno()
poller = select.poll()
poller.register(master, select.POLLIN)
poller.register(stdin, select.POLLIN)
client_present = False


def report(event):
    sys.stderr.write(event + "\n")
    sys.stderr.flush()


while True:
    events = dict(poller.poll(50))
    master_events = events.get(master, 0)
    present = not (master_events & select.POLLHUP)
    if present != client_present:
        client_present = present
        report("open" if present else "close")
    if present and master_events & select.POLLIN:
        try:
            data = os.read(master, 4096)
        except OSError:
            data = b""
        if data:
            os.write(stdout, data)
    if not present:
        time.sleep(0.05)
    if stdin in events:
        data = os.read(stdin, 4096)
        if not data:
            break
        if client_present:
            os.write(master, data)
