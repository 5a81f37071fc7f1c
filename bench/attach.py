"""PDF attach time per work order ("Attach work order PDF", issue #17).

    uv run python bench/attach.py                 # 200 work orders, 0 and 20 ms latency
    uv run python bench/attach.py --n 500 --latency-ms 0,50 --concurrency 1,4

Each case exports the same fresh sandbox company (no faulty work orders, sales
invoices) twice: without attachments, and with Attach work order PDF on (the PDF
only, then the PDF, the form PDFs and the signature). The attach time per work order
is the difference in wall time divided by the number exported; at concurrency 1 that
is the time one work order waits for its files, at higher concurrency what it costs
the run. The sandbox runs in this process (one event loop thread): the figures are
the client's and the wire's, not a real OutSmart's download speed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vismadesk.demo import start_demo
from vismadesk.domain import ExportFormat
from vismadesk.engine.export import run_export

ATTACH_POSTS = "erp POST /v1/customerinvoice/{invoiceNumber}/attachment"


def one_run(n: int, latency_ms: int, concurrency: int, mode: str) -> tuple[float, int, int]:
    """(wall seconds, work orders exported, attachment POSTs) of one export."""
    session = start_demo(work_orders=n, seed=11, faulty=False)
    try:
        session.sign_in_as_service()
        s = session.context.settings
        s.export_format = ExportFormat.SALES_INVOICE
        s.concurrency = concurrency
        s.attach_pdf = mode != "off"
        s.attach_forms = s.attach_signature = mode == "all"
        session.sandbox.faults(latency_ms=latency_ms)
        started = time.perf_counter()
        result = run_export(session.context)
        wall = time.perf_counter() - started
        posts = session.sandbox.request_counts().get(ATTACH_POSTS, 0)
        return wall, result.succeeded, posts
    finally:
        session.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--latency-ms", default="0,20")
    ap.add_argument("--concurrency", default="1,4")
    args = ap.parse_args()
    print(f"{args.n} work orders, sales invoices; attach time per work order:")
    print(f"{'latency':>8} {'conc':>5} {'mode':>5} {'wall s':>8} {'files/WO':>9} {'ms/WO':>8}")
    for latency in (int(x) for x in args.latency_ms.split(",")):
        for conc in (int(x) for x in args.concurrency.split(",")):
            base, done, _ = one_run(args.n, latency, conc, "off")
            print(f"{latency:>6}ms {conc:>5} {'off':>5} {base:>8.2f} {0:>9.1f} {'-':>8}")
            for mode in ("pdf", "all"):
                wall, done, posts = one_run(args.n, latency, conc, mode)
                per = (wall - base) / max(1, done) * 1000
                print(
                    f"{latency:>6}ms {conc:>5} {mode:>5} {wall:>8.2f} "
                    f"{posts / max(1, done):>9.1f} {per:>8.1f}"
                )


if __name__ == "__main__":
    main()
