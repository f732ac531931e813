"""nginx in front of easeback, for the reverse-proxy test and bench/clinic-load: the README's
recipe as written, with a throwaway certificate (openssl) and this run's ports and upstreams."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.practice.served import free_port

README = Path(__file__).parent.parent.parent / "README.md"
HOW_TO_ENABLE = (
    "nginx or openssl not found: install Debian's nginx-light and openssl packages "
    "(apt-get install -y nginx-light openssl) to run the reverse-proxy test"
)
NAME = "clinic.example"


def binaries() -> tuple[str, str] | None:
    """(nginx, openssl), or None when either is missing."""
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
    )
    openssl = shutil.which("openssl")
    return (nginx, openssl) if nginx and openssl else None


def readme_recipe() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.findall(r"```nginx\n(.*?)```", text, re.S)
    assert len(found) == 1, "README should hold one nginx recipe"
    return found[0]


def nginx_conf(
    tmp: Path, upstreams: list[str], port: int, cert: Path, key: Path, plain: int | None = None
) -> str:
    """The README's recipe with these ports, certificate and upstream servers, inside the few
    lines nginx needs to run without root's folders. Its access log gives each request's status
    and the upstream that answered. With `plain`, the recipe's `location` is also served over
    plain HTTP on that port (for a load generator whose own TLS would be what it measures)."""
    recipe = readme_recipe()
    if plain is not None:
        location = re.search(r"    location / \{.*?\n    \}\n", recipe, re.S)
        assert location, "the README's nginx recipe lacks its location block"
        recipe += f"server {{\n    listen 127.0.0.1:{plain};\n{location.group(0)}}}\n"
    swaps = {
        "    server 127.0.0.1:8765;\n": "".join(f"    server {u};\n" for u in upstreams),
        "listen 80;": f"listen 127.0.0.1:{free_port()};",
        "listen 443 ssl;": f"listen 127.0.0.1:{port} ssl;",
        f"/etc/letsencrypt/live/{NAME}/fullchain.pem": str(cert),
        f"/etc/letsencrypt/live/{NAME}/privkey.pem": str(key),
    }
    for old, new in swaps.items():
        assert old in recipe, f"the README's nginx recipe lacks {old!r}"
        recipe = recipe.replace(old, new)
    temp = "\n".join(
        f"    {kind}_temp_path {tmp}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 4096; }}
http {{
{temp}
    log_format upstreams '$status $upstream_addr';
    access_log {tmp}/access.log upstreams;
{recipe}
}}
"""


def certificate(openssl: str, where: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the clinic's name and 127.0.0.1: (certificate, key)."""
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME},IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return cert, key


@contextmanager
def nginx(
    nginx_bin: str,
    where: Path,
    upstreams: list[str],
    port: int,
    cert: Path,
    key: Path,
    plain: int | None = None,
) -> Iterator[Path]:
    """nginx running the recipe in `where` (its folder); yields its access log."""
    where.mkdir(parents=True, exist_ok=True)
    where.chmod(0o777)  # nginx's workers run as nobody when this runs as root
    conf = where / "nginx.conf"
    conf.write_text(nginx_conf(where, upstreams, port, cert, key, plain))
    check = subprocess.run([nginx_bin, "-t", "-p", str(where), "-c", str(conf)],
                           capture_output=True, text=True, timeout=60)  # fmt: skip
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(
        [nginx_bin, "-p", str(where), "-c", str(conf)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield where / "access.log"
    finally:
        proc.terminate()
        proc.wait(timeout=60)
