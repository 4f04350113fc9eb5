"""How fast the mail outbox drains into a local SMTP server, and what queuing costs a request.

    .venv/bin/python bench/mail_bench.py --messages 2000
    .venv/bin/python bench/mail_bench.py --messages 2000 --database-url postgresql://...

It builds a throwaway instance (SQLite in a temp folder unless ``--database-url`` names an
empty database), queues N messages the way a service does (``send_template``: a template
rendered per recipient, one row each, one commit), then runs ``flask mail send --once``'s code
against an aiosmtpd server on 127.0.0.1 and reports messages per second. With ``--senders K``
it starts K sender threads at once (each claims its own rows). Nothing leaves the machine.
"""

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from community import create_app  # noqa: E402
from community.config import Config  # noqa: E402
from community.core import mail_sender  # noqa: E402
from community.core.mail import send_template  # noqa: E402
from community.extensions import db  # noqa: E402


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_app(instance: Path, database_url: str | None, port: int):
    env = {"INSTANCE_DIR": str(instance), "SECRET_KEY": "bench", "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(port), "SEARCH_WARM": "false"}
    if database_url:
        env["DATABASE_URL"] = database_url
    app = create_app(Config(env))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    return app


def queue_messages(app, count: int) -> float:
    """Seconds per queued message, as a request pays it (render + insert, one commit)."""
    with app.test_request_context("/"):
        started = time.perf_counter()
        for n in range(count):
            send_template(f"persona{n}@ejemplo.mx", "Nuevo aviso", "already_registered",
                          user=SimpleNamespace(name=f"Persona {n}"),
                          url=f"http://127.0.0.1:5000/cuenta/recuperar?n={n}")
        db.session.commit()
        return (time.perf_counter() - started) / count


def drain(app, senders: int) -> float:
    def one():
        with app.app_context():
            mail_sender.send_all_due()

    threads = [threading.Thread(target=one) for _ in range(senders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        mail_sender.send_all_due()  # whatever a sender's last batch left
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    handler = Counter()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    rates, queue_costs = [], []
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = build_app(Path(folder), args.database_url, port)
            for _ in range(args.rounds):
                before = handler.count
                queue_costs.append(queue_messages(app, args.messages))
                seconds = drain(app, args.senders)
                delivered = handler.count - before
                assert delivered == args.messages, (delivered, args.messages)
                rates.append(delivered / seconds)
    finally:
        controller.stop()
    result = {
        "messages": args.messages, "senders": args.senders, "rounds": args.rounds,
        "database": (args.database_url or "sqlite").split(":")[0],
        "messages_per_second_median": round(statistics.median(rates), 1),
        "messages_per_second": [round(r, 1) for r in rates],
        "queue_ms_per_message_median": round(statistics.median(queue_costs) * 1000, 3),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
