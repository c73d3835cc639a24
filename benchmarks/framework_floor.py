"""The floor under the mock's start: a FastAPI app with one route, served as the mock is.

``python -m benchmarks.framework_floor --port N --cert C --key K`` imports FastAPI in the
parent and serves on Granian with the mock's TLS and two forked workers, so the
time to its first answer is what any FastAPI app pays here before doing anything of
its own (``benchmarks.startup`` shows it next to the mock's first answer).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fastapi import FastAPI

from benchmarks.granian_serve import serve_granian

app = FastAPI()


@app.get("/ready")
def ready() -> dict[str, str]:
    return {"status": "ok"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cert", type=Path, required=True, help="the mock's server certificate")
    parser.add_argument("--key", type=Path, required=True)
    args = parser.parse_args()
    serve_granian("benchmarks.framework_floor:app", args.port, 2, args.cert, args.key)


if __name__ == "__main__":
    main()
