"""MediaPipe's C library stays off the network: a hands run makes no connection (traced with strace)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).parent / "fixtures"
LOOPBACK = re.compile(r'sin6?_addr=inet_addr\("127\.|inet_pton\(AF_INET6, "::1"')
DNS = re.compile(r"sin6?_port=htons\(53\)")  # a name lookup, even through a local resolver, is a network call


def test_a_hands_run_opens_no_network_connection(tmp_path):
    strace = shutil.which("strace")
    assert strace, "scripts/install provides strace"
    trace = tmp_path / "trace.txt"
    run = subprocess.run([strace, "-f", "-qq", "-e", "trace=connect,sendto", "-o", str(trace),
                          shutil.which("recog"), "run", "pipelines/hands.yaml", "--input", str(FIXTURES / "hands.jpg"),
                          "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    if "Operation not permitted" in run.stderr and not trace.read_text().strip():
        pytest.skip("this machine does not allow ptrace")  # a container without CAP_SYS_PTRACE
    assert run.returncode == 0, run.stderr
    calls = [line for line in trace.read_text().splitlines()
             if "AF_INET" in line and (DNS.search(line) or not LOOPBACK.search(line))]
    assert not calls, "network calls during a hands run:\n" + "\n".join(calls[:5])
